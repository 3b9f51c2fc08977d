#include "service/webhook_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/parse.h"
#include "domain/alert/limits.h"
#include "hotline/webhook_url.h"
#include "service/change_record.h"
#include "service/webhook_dispatcher.h"

namespace infrashare {
namespace {

Result<void> AuditWebhook(WriteTx& tx, const Caller& caller, std::string_view action, const Webhook& webhook,
                          Timestamp at) {
  return RecordChange(tx, caller.space,
                      ChangeRecord{.at = at,
                                   .actor = ChangeActor::Of(caller),
                                   .action = std::string(action),
                                   .target_kind = "webhook",
                                   .target_id = webhook.id,
                                   .detail = {{"organization", webhook.organization}}});
}

}  // namespace

// --- WebhookService ---------------------------------------------------------

WebhookService::WebhookService(Store& store, const Clock& clock, WebhookAddressPolicy addresses)
    : store_(store), clock_(clock), addresses_(std::move(addresses)) {}

Result<Webhook> WebhookService::Register(const Caller& caller, const Json& body) {
  INFRASHARE_TRY(caller.RequireAdminOf(caller.principal ? caller.principal->organization : ""));
  ObjectReader r(body, "");
  auto url = INFRASHARE_TRY(r.String("url", kWebhookUrlLimits));
  INFRASHARE_TRY(r.Finish());
  const WebhookUrl parsed = INFRASHARE_TRY(ParseWebhookUrl(url));
  if (auto refusal = addresses_.RefusalOfHost(parsed.host))
    return InvalidArgument("url", fmt::format("{} is a {} address: webhooks reach public addresses only (an "
                                              "installation admits others with [hotline] webhook_allow)",
                                              parsed.host, *refusal));

  Webhook webhook{.id = NewId("whk"),
                  .organization = caller.organization->id,
                  .space = caller.space,
                  .url = url,
                  .secret = RandomHex(32),
                  .created_by = caller.principal->id,
                  .created_at = clock_.Now()};
  INFRASHARE_TRY(store_.Write([&](WriteTx& tx) -> Result<void> {
    auto existing = INFRASHARE_TRY(tx.ListWebhooks(webhook.organization));
    const auto active = std::ranges::count_if(existing, [](const Webhook& h) { return h.active; });
    if (active >= kMaxWebhooksPerOrganization)
      return Conflict(
          fmt::format("an organization may have at most {} active webhooks", kMaxWebhooksPerOrganization));
    if (auto c = ResumeParkedWebhookCursor(tx, caller.space); !c) return c;
    if (auto i = tx.InsertWebhook(webhook); !i) return i;
    if (auto v = MarkWebhooksChanged(tx, webhook.id); !v) return v;
    return AuditWebhook(tx, caller, "webhook.register", webhook, webhook.created_at);
  }));
  return webhook;
}

Result<std::vector<Webhook>> WebhookService::List(const Caller& caller) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  auto hooks =
      INFRASHARE_TRY(store_.Read([&](ReadTx& tx) { return tx.ListWebhooks(caller.organization->id); }));
  std::erase_if(hooks, [&](const Webhook& h) { return h.space != caller.space; });
  for (auto& h : hooks) h.secret.clear();
  return hooks;
}

Result<Webhook> WebhookService::Own(ReadTx& tx, const Caller& caller, const std::string& id) {
  auto hook = INFRASHARE_TRY(tx.GetWebhook(id));
  if (!hook || hook->organization != caller.organization->id || hook->space != caller.space)
    return NotFound("webhook not found");
  return std::move(*hook);
}

Result<Webhook> WebhookService::Disable(const Caller& caller, const std::string& id) {
  INFRASHARE_TRY(caller.Require(Role::kAdmin));
  const Timestamp now = clock_.Now();
  auto disabled = INFRASHARE_TRY(store_.Write([&](WriteTx& tx) -> Result<Webhook> {
    auto hook = INFRASHARE_TRY(Own(tx, caller, id));
    if (!hook.active) return Conflict("this webhook is already disabled");
    hook.active = false;
    hook.disabled_at = now;
    INFRASHARE_TRY(tx.UpdateWebhook(hook));
    INFRASHARE_TRY(MarkWebhooksChanged(tx, NewId("ver")));
    INFRASHARE_TRY(AuditWebhook(tx, caller, "webhook.disable", hook, now));
    return hook;
  }));
  disabled.secret.clear();
  return disabled;
}

Result<std::pair<std::vector<WebhookDelivery>, std::optional<std::string>>> WebhookService::Deliveries(
    const Caller& caller, const std::string& id,
    const std::vector<std::pair<std::string, std::string>>& query) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  std::optional<int64_t> before;
  int limit = 50;
  for (const auto& [name, value] : query) {
    if (name == "cursor") {
      auto v = ParseInteger(value, name, 1, INT64_MAX);
      if (!v) return InvalidArgument(name, "is not a cursor this server issued");
      before = *v;
    } else if (name == "limit") {
      auto v = INFRASHARE_TRY(ParseInteger(value, name, 1, kMaxPage));
      limit = int(v);
    } else {
      return InvalidArgument(name, "is not a known query parameter (cursor, limit)");
    }
  }
  using Page = std::pair<std::vector<WebhookDelivery>, std::optional<std::string>>;
  return store_.Read([&](ReadTx& tx) -> Result<Page> {
    INFRASHARE_TRY(Own(tx, caller, id));
    auto rows = INFRASHARE_TRY(tx.ListWebhookDeliveries(id, before, limit + 1));
    Page page;
    if (int(rows.size()) > limit) {
      rows.resize(limit);
      page.second = std::to_string(rows.back().id);
    }
    page.first = std::move(rows);
    return page;
  });
}

}  // namespace infrashare
