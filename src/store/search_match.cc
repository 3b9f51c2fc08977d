#include "store/search_match.h"

#include "store/postgres/search_terms.h"

namespace infrashare {

Result<bool> SearchMatches(std::string_view words, std::string_view title, std::string_view text) {
  auto cond = INFRASHARE_TRY(postgres::MakeSearchCondition(words));
  if (!cond) return true;
  auto doc = INFRASHARE_TRY(postgres::MakeSearchDocument(title, text));
  return postgres::Meets(doc, *cond);
}

}  // namespace infrashare
