#include "store/sqlite/fts_text.h"

#include <vector>

namespace infrashare::sqlite {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one UTF-8 code point at text[i], advancing i. Malformed bytes
// decode as kInvalid (one byte at a time), which the callers treat as a
// separator.
char32_t Decode(std::string_view text, size_t& i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  size_t len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0)
    len = 2, cp = b0 & 0x1F;
  else if ((b0 & 0xF0) == 0xE0)
    len = 3, cp = b0 & 0x0F;
  else if ((b0 & 0xF8) == 0xF0)
    len = 4, cp = b0 & 0x07;
  if (len == 0 || i + len > text.size()) {
    ++i;
    return kInvalid;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

// Kanji, kana and hangul: scripts written without spaces between words.
bool IsCjk(char32_t c) {
  return (c >= 0x3005 && c <= 0x3007) ||                                  // 々 〆 〇
         (c >= 0x3040 && c <= 0x30FF && c != 0x30FB) ||                   // hiragana, katakana (not ・)
         (c >= 0x31F0 && c <= 0x31FF) ||                                  // katakana phonetic extensions
         (c >= 0x3400 && c <= 0x4DBF) ||                                  // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||                                  // CJK unified ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||                                  // compatibility ideographs
         (c >= 0xFF66 && c <= 0xFF9F) ||                                  // half-width katakana
         (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) ||  // hangul jamo
         (c >= 0xAC00 && c <= 0xD7AF) ||                                  // hangul syllables
         (c >= 0x20000 && c <= 0x3134F);                                  // CJK extensions B–G
}

// Characters that never belong to a word: ASCII other than letters and
// digits, general and CJK punctuation, full-width punctuation, malformed
// bytes. (unicode61 splits on these too.)
bool IsSeparator(char32_t c) {
  if (c == kInvalid) return true;
  if (c < 0x80) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  return (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x3004) || (c >= 0x3008 && c <= 0x303F) ||
         c == 0x30FB || (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
}

void Append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// "停電が" -> "停電 電が が"
void AppendBigrams(std::string& out, const std::vector<char32_t>& run, bool last_alone) {
  for (size_t k = 0; k + 1 < run.size(); ++k) {
    if (!out.empty() && out.back() != ' ') out += ' ';
    Append(out, run[k]);
    Append(out, run[k + 1]);
  }
  if (last_alone || run.size() == 1) {
    if (!out.empty() && out.back() != ' ') out += ' ';
    Append(out, run.back());
  }
}

// The phrase for one segment of a query word, appended as a quoted FTS5
// string: quotes inside are doubled, so nothing in it is query syntax.
void AppendPhrase(std::string& expr, std::string_view tokens, bool prefix) {
  if (!expr.empty()) expr += " AND ";
  expr += '"';
  for (char ch : tokens) {
    if (ch == '"') expr += '"';
    expr += ch;
  }
  expr += '"';
  if (prefix) expr += '*';
}

}  // namespace

std::string FtsIndexText(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  std::vector<char32_t> run;
  auto flush = [&] {
    if (run.empty()) return;
    AppendBigrams(out, run, /*last_alone=*/true);
    out += ' ';
    run.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    const char32_t c = Decode(text, i);
    if (IsCjk(c)) {
      run.push_back(c);
      continue;
    }
    flush();
    if (c == kInvalid)
      out += ' ';
    else
      out.append(text.substr(start, i - start));
  }
  flush();
  return out;
}

std::optional<std::string> FtsMatchExpression(std::string_view words) {
  std::string expr;
  std::string latin;          // the current non-CJK segment, as UTF-8
  std::vector<char32_t> run;  // the current CJK segment
  auto flush = [&] {
    if (!latin.empty()) {
      AppendPhrase(expr, latin, /*prefix=*/false);
      latin.clear();
    }
    if (!run.empty()) {
      std::string tokens;
      AppendBigrams(tokens, run, /*last_alone=*/false);
      AppendPhrase(expr, tokens, /*prefix=*/run.size() == 1);
      run.clear();
    }
  };
  for (size_t i = 0; i < words.size();) {
    const size_t start = i;
    const char32_t c = Decode(words, i);
    if (IsSeparator(c)) {
      flush();
    } else if (IsCjk(c)) {
      if (!latin.empty()) flush();
      run.push_back(c);
    } else {
      if (!run.empty()) flush();
      latin.append(words.substr(start, i - start));
    }
  }
  flush();
  if (expr.empty()) return std::nullopt;
  return expr;
}

}  // namespace infrashare::sqlite
