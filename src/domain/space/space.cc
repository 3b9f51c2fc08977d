#include "domain/space/space.h"

#include <fmt/format.h>

namespace infrashare {

namespace {

constexpr std::string_view kExercisePrefix = "exr_";
constexpr size_t kMaxExerciseSuffix = 60;

bool IsExerciseId(std::string_view id) {
  if (!id.starts_with(kExercisePrefix)) return false;
  const std::string_view rest = id.substr(kExercisePrefix.size());
  if (rest.empty() || rest.size() > kMaxExerciseSuffix) return false;
  for (char c : rest) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Result<Space> Space::Exercise(std::string_view exercise_id, std::string_view field) {
  if (!IsExerciseId(exercise_id)) {
    return InvalidArgument(std::string(field),
                           fmt::format("an exercise id is \"{}\" followed by 1 to {} of a-z, 0-9 and _",
                                       kExercisePrefix, kMaxExerciseSuffix));
  }
  return Space(std::string(exercise_id));
}

Result<Space> Space::Parse(std::string_view text, std::string_view field) {
  if (text == kLiveId) return Space();
  if (!IsExerciseId(text)) {
    return InvalidArgument(std::string(field),
                           fmt::format("a space is \"{}\" or an exercise id (\"{}…\")", kLiveId, kExercisePrefix));
  }
  return Space(std::string(text));
}

}  // namespace infrashare
