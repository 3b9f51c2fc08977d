#include "store/postgres/search_terms.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>

#include "store/sqlite/fts_text.h"

namespace infrashare::postgres {

namespace {

// SQLite's unicode61 tokenizer with the options of the SQLite backend's
// report_text table (store/sqlite/migrations.cc).
class Unicode61 {
 public:
  static Result<Unicode61*> ForThisThread() {
    thread_local std::unique_ptr<Unicode61> instance;
    if (!instance) {
      auto made = std::make_unique<Unicode61>();
      INFRASHARE_TRY(made->Start());
      instance = std::move(made);
    }
    return instance.get();
  }

  ~Unicode61() {
    if (tokenizer_ != nullptr) api_.xDelete(tokenizer_);
    sqlite3_close(db_);
  }

  Result<std::vector<std::string>> Tokens(std::string_view text) {
    std::vector<std::string> out;
    auto on_token = [](void* ctx, int, const char* token, int n, int, int) -> int {
      static_cast<std::vector<std::string>*>(ctx)->emplace_back(token, static_cast<size_t>(n));
      return SQLITE_OK;
    };
    const int rc = api_.xTokenize(tokenizer_, &out, FTS5_TOKENIZE_DOCUMENT, text.data(),
                                  static_cast<int>(text.size()), on_token);
    if (rc != SQLITE_OK) return Internal("cannot tokenize the search text");
    return out;
  }

 private:
  Result<void> Start() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) return Internal("cannot open the text tokenizer");
    fts5_api* fts5 = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT fts5(?1)", -1, &stmt, nullptr) == SQLITE_OK) {
      sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&fts5), "fts5_api_ptr", nullptr);
      sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    if (fts5 == nullptr) return Internal("SQLite has no FTS5: the text tokenizer is missing");
    void* user_data = nullptr;
    if (fts5->xFindTokenizer(fts5, "unicode61", &user_data, &api_) != SQLITE_OK)
      return Internal("SQLite has no unicode61 tokenizer");
    const char* args[] = {"remove_diacritics", "2"};
    if (api_.xCreate(user_data, args, 2, &tokenizer_) != SQLITE_OK)
      return Internal("cannot create the unicode61 tokenizer");
    return {};
  }

  sqlite3* db_ = nullptr;
  fts5_tokenizer api_{};
  Fts5Tokenizer* tokenizer_ = nullptr;
};

// One quoted phrase of an FTS5 MATCH expression as FtsMatchExpression
// writes it: "text with ""quotes"" doubled", optionally followed by *.
struct Phrase {
  std::string text;
  bool prefix = false;
};

std::vector<Phrase> ParsePhrases(std::string_view expr) {
  std::vector<Phrase> out;
  size_t i = 0;
  while (i < expr.size()) {
    if (expr.compare(i, 5, " AND ") == 0) i += 5;
    if (i >= expr.size() || expr[i] != '"') break;  // FtsMatchExpression writes nothing else
    ++i;
    Phrase p;
    while (i < expr.size()) {
      if (expr[i] == '"') {
        if (i + 1 < expr.size() && expr[i + 1] == '"') {
          p.text += '"';
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      p.text += expr[i++];
    }
    if (i < expr.size() && expr[i] == '*') {
      p.prefix = true;
      ++i;
    }
    out.push_back(std::move(p));
  }
  return out;
}

void AppendLikeEscaped(std::string& out, std::string_view token) {
  for (char c : token) {
    if (c == '\\' || c == '%' || c == '_') out += '\\';
    out += c;
  }
}

// A lexeme in tsquery / tsvector syntax: quoted, quotes and backslashes doubled.
void AppendLexeme(std::string& out, std::string_view token) {
  out += '\'';
  for (char c : token) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  out += '\'';
}

void AppendTokens(std::string& search, const std::vector<std::string>& tokens) {
  for (const auto& t : tokens) {
    search += t;
    search += ' ';
  }
}

}  // namespace

Result<std::vector<std::string>> SearchTokens(std::string_view text) {
  auto tokenizer = INFRASHARE_TRY(Unicode61::ForThisThread());
  return tokenizer->Tokens(sqlite::FtsIndexText(text));
}

Result<SearchDocument> MakeSearchDocument(std::string_view title, std::string_view text) {
  auto title_tokens = INFRASHARE_TRY(SearchTokens(title));
  auto text_tokens = INFRASHARE_TRY(SearchTokens(text));
  SearchDocument doc;
  doc.search = " ";
  AppendTokens(doc.search, title_tokens);
  doc.search += "| ";
  AppendTokens(doc.search, text_tokens);

  std::vector<std::string> terms = std::move(title_tokens);
  terms.insert(terms.end(), text_tokens.begin(), text_tokens.end());
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  std::erase_if(terms, [](const std::string& t) { return t.size() > kMaxTermBytes; });
  doc.terms = std::move(terms);
  return doc;
}

Result<std::optional<SearchCondition>> MakeSearchCondition(std::string_view words) {
  const auto expr = sqlite::FtsMatchExpression(words);
  if (!expr) return std::optional<SearchCondition>();
  auto tokenizer = INFRASHARE_TRY(Unicode61::ForThisThread());
  SearchCondition cond;
  std::string tsquery;
  for (const auto& phrase : ParsePhrases(*expr)) {
    // A quoted FTS5 string is tokenized as it is; no FtsIndexText here.
    auto tokens = INFRASHARE_TRY(tokenizer->Tokens(phrase.text));
    if (tokens.empty()) {
      cond.matches_nothing = true;
      continue;
    }
    std::string pattern = "% ";
    std::string needle = " ";
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i) {
        pattern += ' ';
        needle += ' ';
      }
      AppendLikeEscaped(pattern, tokens[i]);
      needle += tokens[i];
    }
    pattern += phrase.prefix ? "%" : " %";
    if (!phrase.prefix) needle += ' ';
    cond.patterns.push_back(std::move(pattern));
    cond.needles.push_back(std::move(needle));
    for (size_t i = 0; i < tokens.size(); ++i) {
      const auto& t = tokens[i];
      if (t.size() > kMaxTermBytes) continue;
      if (!tsquery.empty()) tsquery += " & ";
      AppendLexeme(tsquery, t);
      if (phrase.prefix && i + 1 == tokens.size()) tsquery += ":*";
    }
  }
  if (!tsquery.empty()) cond.tsquery = std::move(tsquery);
  return std::optional<SearchCondition>(std::move(cond));
}

bool Meets(const SearchDocument& doc, const SearchCondition& cond) {
  if (cond.matches_nothing) return false;
  return std::ranges::all_of(cond.needles,
                             [&](const std::string& n) { return doc.search.find(n) != std::string::npos; });
}

}  // namespace infrashare::postgres
