#include "service/health_service.h"

namespace infrashare {

Result<void> HealthService::Check() const {
  return store_.Read([](ReadTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.GetMeta("schema_version"));
    return {};
  });
}

}  // namespace infrashare
