#include "common/text_fold.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>

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

// A text folded code point by code point, and where each folded byte came
// from in the original.
struct Folded {
  std::string text;
  std::vector<uint32_t> origin;      // per byte of text: the offset of its code point in the original
  std::vector<uint32_t> origin_end;  // per byte of text: the end of that code point in the original
};

// Appends the folded form of the code point `c` (at [begin, end) of the
// original) to `out`.
void AppendFolded(utf8proc_int32_t c, size_t begin, size_t end, Folded& out) {
  // ASCII: letters lowered, digits kept, everything else a separator.
  if (c < 0x80) {
    char a = char(c);
    if (a >= 'A' && a <= 'Z') a = char(a - 'A' + 'a');
    if ((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9')) {
      out.text += a;
      out.origin.push_back(uint32_t(begin));
      out.origin_end.push_back(uint32_t(end));
    }
    return;
  }
  std::array<utf8proc_int32_t, 32> parts{};
  int boundclass = UTF8PROC_BOUNDCLASS_START;
  const auto options = utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                         UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
  const utf8proc_ssize_t n =
      utf8proc_decompose_char(c, parts.data(), utf8proc_ssize_t(parts.size()), options, &boundclass);
  if (n < 0 || n > utf8proc_ssize_t(parts.size())) return;
  for (utf8proc_ssize_t i = 0; i < n; ++i) {
    if (IsSeparator(parts[size_t(i)])) continue;
    utf8proc_uint8_t bytes[4];
    const utf8proc_ssize_t len = utf8proc_encode_char(parts[size_t(i)], bytes);
    for (utf8proc_ssize_t k = 0; k < len; ++k) {
      out.text += char(bytes[k]);
      out.origin.push_back(uint32_t(begin));
      out.origin_end.push_back(uint32_t(end));
    }
  }
}

Folded FoldByCodePoint(std::string_view text) {
  Folded out;
  out.text.reserve(text.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  for (size_t i = 0; i < text.size();) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t len = utf8proc_iterate(bytes + i, utf8proc_ssize_t(text.size() - i), &c);
    if (len <= 0) {  // not UTF-8: the byte as it is
      out.text += text[i];
      out.origin.push_back(uint32_t(i));
      out.origin_end.push_back(uint32_t(i + 1));
      ++i;
      continue;
    }
    AppendFolded(c, i, i + size_t(len), out);
    i += size_t(len);
  }
  return out;
}

}  // namespace

std::vector<std::pair<size_t, size_t>> FindFolded(std::string_view text, std::span<const std::string> terms,
                                                  size_t min_folded_bytes) {
  std::vector<std::pair<size_t, size_t>> found;
  if (text.empty() || terms.empty()) return found;
  const Folded folded = FoldByCodePoint(text);
  for (const auto& term : terms) {
    const std::string needle = FoldByCodePoint(term).text;
    if (needle.size() < std::max<size_t>(min_folded_bytes, 1)) continue;
    for (size_t at = folded.text.find(needle); at != std::string::npos; at = folded.text.find(needle, at + 1))
      found.emplace_back(folded.origin[at], folded.origin_end[at + needle.size() - 1]);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::pair<size_t, size_t>> merged;
  for (const auto& r : found) {
    if (!merged.empty() && r.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  return merged;
}

std::string FoldText(std::string_view utf8) { return FoldByCodePoint(utf8).text; }

}  // namespace infrashare
