// Text compared as a person reads it. FoldText maps a UTF-8 string to the
// form every spelling of one name shares: each code point in its Unicode
// compatibility decomposition, case folded, with default-ignorable code
// points, spaces, punctuation and symbols left out — so that "ＫＡＮＴＯ－
// ＰＯＷＥＲ", "Kanto Power" and "kantopower" are one, and half-width "ｶﾞｽ"
// is "ガス" (decomposed). Bytes that are not UTF-8 are kept as they are.
// The registry's search and the scrubbing of an anonymized report's source
// (FindFolded) compare in this one form.
//
// Thread behaviour: pure; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace infrashare {

std::string FoldText(std::string_view utf8);

// Whether `folded_text` contains `folded_query` (both FoldText's answers);
// an empty query is contained in every text.
inline bool ContainsFolded(std::string_view folded_text, std::string_view folded_query) {
  return folded_text.find(folded_query) != std::string_view::npos;
}

// Where in `text` any of `terms` occurs, both compared as FoldText folds
// them: "Kanto-Power", "ＫＡＮＴＯ　ＰＯＷＥＲ" and "kantopower" are found,
// and for the term "kanto-power.co.jp", inside "mail.KANTO-POWER.CO.JP".
// Answers byte ranges [begin, end) of `text`, each from the start of the
// first code point of a match to the end of its last, sorted, overlapping
// ones merged. Terms that fold to fewer than `min_folded_bytes` bytes are
// ignored (too short to find safely). Text that is not valid UTF-8 is
// compared byte for byte where it is not.
std::vector<std::pair<size_t, size_t>> FindFolded(std::string_view text, std::span<const std::string> terms,
                                                  size_t min_folded_bytes = 3);

}  // namespace infrashare
