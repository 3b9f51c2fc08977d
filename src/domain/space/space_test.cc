#include "domain/space/space.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

TEST(SpaceTest, DefaultIsLive) {
  EXPECT_TRUE(Space().is_live());
  EXPECT_EQ(Space(), Space::Live());
}

TEST(SpaceTest, ParsesLiveAndExercises) {
  auto live = Space::Parse(Space::Live().id());
  ASSERT_TRUE(live.has_value());
  EXPECT_TRUE(live->is_live());
  auto exercise = Space::Parse("exr_2026_kanto");
  ASSERT_TRUE(exercise.has_value());
  EXPECT_FALSE(exercise->is_live());
  EXPECT_EQ(exercise->id(), "exr_2026_kanto");
  EXPECT_NE(*exercise, Space::Live());
}

TEST(SpaceTest, RejectsOtherTextNamingTheField) {
  for (std::string_view bad : {"", "LIVE", "exr_", "exr_A", "exr_a b", "exercise", "exr_\xe6\xbc\x94"}) {
    auto s = Space::Parse(bad, "query.space");
    ASSERT_FALSE(s.has_value()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().field, "query.space");
  }
  EXPECT_FALSE(Space::Exercise(Space::Live().id()).has_value());
  EXPECT_FALSE(Space::Exercise("exr_" + std::string(61, 'a')).has_value());
  EXPECT_TRUE(Space::Exercise("exr_" + std::string(60, 'a')).has_value());
}

}  // namespace
}  // namespace infrashare
