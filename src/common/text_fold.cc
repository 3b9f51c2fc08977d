#include "common/text_fold.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace infrashare {

namespace {

bool IsSeparator(utf8proc_int32_t c) {
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string FoldText(std::string_view utf8, Separators separators) {
  if (utf8.empty()) return {};
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                         UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()), utf8proc_ssize_t(utf8.size()),
                   &mapped, options);
  if (n < 0) return std::string(utf8);
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  if (separators == Separators::kKeep) return std::string(reinterpret_cast<const char*>(mapped), size_t(n));
  std::string out;
  out.reserve(size_t(n));
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t len = utf8proc_iterate(mapped + i, n - i, &c);
    if (len <= 0) break;  // utf8proc_map's answer is valid UTF-8
    if (!IsSeparator(c)) out.append(reinterpret_cast<const char*>(mapped + i), size_t(len));
    i += len;
  }
  return out;
}

}  // namespace infrashare
