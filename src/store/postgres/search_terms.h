// Text search for the PostgreSQL backend, with the SQLite backend's meaning
// exactly: the same words match the same reports.
//
// SQLite indexes FtsIndexText(title) and FtsIndexText(text) (CJK runs as
// overlapping bigrams, store/sqlite/fts_text.h) with FTS5's unicode61
// tokenizer (case folded, diacritics removed: remove_diacritics 2), and
// searches with FtsMatchExpression: quoted phrases, AND-ed, a single CJK
// character as a prefix. A phrase matches when its tokens appear
// consecutively within one column.
//
// This backend runs the very same tokenizer (SQLite's unicode61, through
// the FTS5 API on a private in-memory SQLite connection) and stores:
//   * search: the tokens of title and text, each between single spaces, the
//     two columns apart ("| " between them):  " 停電 電が が | power grid "
//     A phrase then matches exactly when `search LIKE '% tok1 tok2 %'`
//     (a prefix phrase: '% tok1 tok2%'), which can never cross the columns.
//   * terms: the distinct tokens as a tsvector, GIN-indexed: a report can
//     only match if it has every token of the query (`terms @@ tsquery`),
//     which narrows the candidates before the LIKE decides.
// Tokens longer than kMaxTermBytes stay out of `terms` (PostgreSQL limits a
// lexeme to 2 KiB) and out of the tsquery; the LIKE still checks them.
//
// Thread behaviour: thread-safe; each thread uses its own tokenizer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace infrashare::postgres {

inline constexpr size_t kMaxTermBytes = 1000;

struct SearchDocument {
  std::string search;              // the `search` column
  std::vector<std::string> terms;  // distinct tokens, for array_to_tsvector()
};

struct SearchCondition {
  std::vector<std::string> patterns;   // LIKE patterns; every one must match `search`
  std::vector<std::string> needles;    // the same, unescaped: each a substring `search` must hold
  std::optional<std::string> tsquery;  // candidates (`terms @@`); nullopt: none usable
  // A phrase with no token at all ("€" is no token for unicode61) matches
  // no report, in FTS5 and here.
  bool matches_nothing = false;
};

// The tokens SQLite's index would hold for `text` (after FtsIndexText).
Result<std::vector<std::string>> SearchTokens(std::string_view text);

Result<SearchDocument> MakeSearchDocument(std::string_view title, std::string_view text);

// nullopt when `words` holds nothing searchable: no text condition at all
// (as FtsMatchExpression).
Result<std::optional<SearchCondition>> MakeSearchCondition(std::string_view words);

// Whether `doc` (MakeSearchDocument's) meets `cond`: what the LIKE
// patterns decide, decided in memory.
bool Meets(const SearchDocument& doc, const SearchCondition& cond);

}  // namespace infrashare::postgres
