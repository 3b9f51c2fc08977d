// Reading the audit trail through the API. Administrators read it, and what
// they see still obeys the visibility rule: events about reports their
// organization may not see are left out, and for reports whose source is
// hidden from them the acting principal and organization of the source are
// blanked (the chain itself keeps them; `infrashare audit verify` checks it).
//
// Thread behaviour: thread-safe; no state of its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "service/caller.h"
#include "store/store.h"

namespace infrashare {

class AuditService {
 public:
  static constexpr int kMaxPage = 500;

  explicit AuditService(Store& store) : store_(store) {}

  static constexpr int kDefaultPage = 100;

  // Events after `after_seq`, oldest first, at most `limit` (1..kMaxPage).
  Result<std::vector<AuditEvent>> List(const Caller& caller, int64_t after_seq, int limit);
  // The same from the query's text: `after` (default 0) and `limit`
  // (default kDefaultPage), each a field of its own in the errors.
  Result<std::vector<AuditEvent>> List(const Caller& caller, const std::optional<std::string>& after,
                                       const std::optional<std::string>& limit);

 private:
  Store& store_;
};

}  // namespace infrashare
