// Text compared as a person means it. FoldText maps a UTF-8 string to the
// form two spellings of one name share: Unicode NFKC with case folding and
// the default-ignorable code points removed (utf8proc's NFKC_Casefold), so
// that full-width "ＫＡＮＴＯ", "KANTO" and "kanto" are one, and half-width
// "ｶﾝﾄｳ" is "カントウ". With Separators::kDrop, spaces, punctuation and
// symbols are removed too ("Kanto-Power", "kanto power" and "KantoPower"
// are one). Text that is not valid UTF-8 is answered as it is.
//
// Thread behaviour: pure; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace infrashare {

enum class Separators { kKeep, kDrop };

std::string FoldText(std::string_view utf8, Separators separators = Separators::kKeep);

// Whether `folded_text` contains `folded_query` (both FoldText's answers
// with the same Separators); an empty query is contained in every text.
inline bool ContainsFolded(std::string_view folded_text, std::string_view folded_query) {
  return folded_text.find(folded_query) != std::string_view::npos;
}

// Where in `text` any of `terms` occurs when both are compared as a person
// reads them: each code point in its compatibility decomposition, case
// folded, default-ignorable code points, spaces, punctuation and symbols
// left out — so that "Kanto-Power", "ＫＡＮＴＯ　ＰＯＷＥＲ", "kantopower"
// and, for the term "kanto-power.co.jp", "mail.KANTO-POWER.CO.JP" are found.
// Answers byte ranges [begin, end) of `text`, each from the start of the
// first code point of a match to the end of its last, sorted, overlapping
// ones merged. Terms that fold to fewer than `min_folded_bytes` bytes are
// ignored (too short to find safely). Text that is not valid UTF-8 is
// compared byte for byte where it is not.
std::vector<std::pair<size_t, size_t>> FindFolded(std::string_view text, std::span<const std::string> terms,
                                                  size_t min_folded_bytes = 3);

}  // namespace infrashare
