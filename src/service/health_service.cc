#include "service/health_service.h"

namespace infrashare {

Result<void> HealthService::Check() const {
  return store_.Read([](ReadTx& tx) -> Result<void> {
    auto v = tx.GetMeta("schema_version");
    if (!v) return std::unexpected(v.error());
    return {};
  });
}

}  // namespace infrashare
