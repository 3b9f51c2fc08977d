// Whether a report's title and text match the words of a search, exactly
// as both backends' full-text search decides (the same tokenizer and
// phrases: store/postgres/search_terms.h). For a reader that must judge the
// text a viewer is shown rather than the text stored: the index holds an
// anonymized report as its submitter wrote it, and a viewer from whom the
// source is hidden must not find it by the source's name (the service
// checks each such match against the presented text).
//
// Thread behaviour: thread-safe.
#pragma once

#include <string_view>

#include "common/error.h"

namespace infrashare {

// True for words with nothing searchable (no text condition at all).
Result<bool> SearchMatches(std::string_view words, std::string_view title, std::string_view text);

}  // namespace infrashare
