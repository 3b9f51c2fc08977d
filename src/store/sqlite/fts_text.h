// Full-text search for the SQLite backend: how title and text are written
// into the FTS5 index, and how a user's words become a safe MATCH expression.
//
// SQLite's unicode61 tokenizer splits on spaces and punctuation, which
// Japanese does not have: "大規模停電が発生" would be one token and "停電"
// would never match. So every run of CJK characters (kanji, kana, hangul) is
// indexed as its overlapping bigrams plus its last character alone
// ("停電が" -> "停電 電が が"), the classic CJK bigram scheme. A query word
// becomes the phrase of its bigrams ("停電" -> "停電"; "大規模停電" ->
// "大規 規模 模停 停電"), and a single CJK character becomes a prefix query
// that matches it anywhere ("電" -> "電"*).
//
// User input never reaches FTS5's query syntax: every word is written as a
// double-quoted string (quotes doubled), so AND/OR/NOT/NEAR, '*', '^', ':',
// parentheses and column filters are plain text. Words are AND-ed.
//
// Changing FtsIndexText changes what is in the index: it needs a migration
// that rebuilds report_text (old rows are deleted with the tokens they were
// inserted with).
//
// Thread behaviour: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace infrashare::sqlite {

// The text to insert into (or delete from) the index for `text`.
std::string FtsIndexText(std::string_view text);

// The MATCH expression for `words` (separated by spaces, ASCII or
// ideographic), all of which must appear. nullopt when no word holds a
// searchable character ("*", "--"): no text condition at all.
std::optional<std::string> FtsMatchExpression(std::string_view words);

}  // namespace infrashare::sqlite
