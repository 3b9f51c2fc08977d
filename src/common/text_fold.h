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

#include <string>
#include <string_view>

namespace infrashare {

enum class Separators { kKeep, kDrop };

std::string FoldText(std::string_view utf8, Separators separators = Separators::kKeep);

// Whether `folded_text` contains `folded_query` (both FoldText's answers
// with the same Separators); an empty query is contained in every text.
inline bool ContainsFolded(std::string_view folded_text, std::string_view folded_query) {
  return folded_text.find(folded_query) != std::string_view::npos;
}

}  // namespace infrashare
