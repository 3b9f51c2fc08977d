// Webhooks: an organization's admins register endpoints, list and disable
// them, and read each one's delivery log. Delivery itself is
// WebhookDispatcher's (webhook_dispatcher.h); the request receivers get is
// documented in README.md, the design in docs/services.md.
//
// Errors: kInvalidArgument naming the field; kNotFound for another
// organization's (or another space's) webhook; kConflict for too many
// active webhooks or one already disabled.
//
// Thread behaviour: thread-safe; no state beyond references.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "domain/alert/webhook.h"
#include "hotline/webhook_address.h"
#include "service/caller.h"
#include "store/store.h"

namespace infrashare {

class WebhookService {
 public:
  static constexpr int kMaxWebhooksPerOrganization = 20;
  static constexpr int kMaxPage = 200;

  // `addresses`: where webhooks may lead (hotline/webhook_address.h); the
  // dispatcher delivers by the same rule.
  WebhookService(Store& store, const Clock& clock, WebhookAddressPolicy addresses = {});

  // POST /webhooks {"url"}: admin role. Returns the webhook with its secret
  // (shown only here). Errors: a URL that is not http(s), or whose host is
  // an address `addresses` refuses (field "url").
  Result<Webhook> Register(const Caller& caller, const Json& body);
  // GET /webhooks: the caller's organization's webhooks (no secrets).
  Result<std::vector<Webhook>> List(const Caller& caller);
  // DELETE /webhooks/{id}: admin role; stops deliveries (the log stays).
  Result<Webhook> Disable(const Caller& caller, const std::string& id);
  // GET /webhooks/{id}/deliveries: the organization's own log, newest first;
  // query: cursor, limit.
  Result<std::pair<std::vector<WebhookDelivery>, std::optional<std::string>>> Deliveries(
      const Caller& caller, const std::string& id,
      const std::vector<std::pair<std::string, std::string>>& query);

  // The rule this service registers by; the dispatcher delivers by it.
  const WebhookAddressPolicy& addresses() const { return addresses_; }

 private:
  // The caller's organization's webhook `id`; others' answer as missing.
  Result<Webhook> Own(ReadTx& tx, const Caller& caller, const std::string& id);

  Store& store_;
  const Clock& clock_;
  const WebhookAddressPolicy addresses_;
};

}  // namespace infrashare
