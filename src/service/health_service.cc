#include "service/health_service.h"

#include <spdlog/spdlog.h>

namespace infrashare {

Result<void> HealthService::Check() const {
  auto read = store_.Read([](ReadTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.GetMeta("schema_version"));
    return {};
  });
  if (read) return {};
  spdlog::warn("health check: {}", read.error().message);
  return Unavailable("the database does not answer");
}

}  // namespace infrashare
