#include "service/webhook_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/parse.h"
#include "hotline/webhook_url.h"
#include "service/webhook_dispatcher.h"

namespace infrashare {
namespace {

Result<void> AuditWebhook(WriteTx& tx, const Caller& caller, std::string_view action, const Webhook& webhook,
                          Timestamp at) {
  return tx.AppendAudit(AuditEvent{.at = at,
                                   .actor_principal = caller.principal->id,
                                   .actor_org = caller.principal->organization,
                                   .action = std::string(action),
                                   .target_kind = "webhook",
                                   .target_id = webhook.id,
                                   .detail = {{"organization", webhook.organization}}});
}

}  // namespace

// --- WebhookService ---------------------------------------------------------

WebhookService::WebhookService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<Webhook> WebhookService::Register(const Caller& caller, const Json& body) {
  if (auto r = caller.RequireAdminOf(caller.principal ? caller.principal->organization : ""); !r)
    return std::unexpected(r.error());
  ObjectReader r(body, "");
  std::string url;
  if (auto v = r.String("url", {.min = 1, .max = 2048}); v)
    url = *v;
  else
    return std::unexpected(v.error());
  if (auto done = r.Finish(); !done) return std::unexpected(done.error());
  if (auto parsed = ParseWebhookUrl(url); !parsed) return std::unexpected(parsed.error());

  Webhook webhook{.id = NewId("whk"),
                  .organization = caller.organization->id,
                  .space = caller.space,
                  .url = url,
                  .secret = RandomHex(32),
                  .created_by = caller.principal->id,
                  .created_at = clock_.Now()};
  auto w = store_.Write([&](WriteTx& tx) -> Result<void> {
    auto existing = tx.ListWebhooks(webhook.organization);
    if (!existing) return std::unexpected(existing.error());
    const auto active = std::ranges::count_if(*existing, [](const Webhook& h) { return h.active; });
    if (active >= kMaxWebhooksPerOrganization)
      return Conflict(
          fmt::format("an organization may have at most {} active webhooks", kMaxWebhooksPerOrganization));
    if (auto c = ResumeParkedWebhookCursor(tx, caller.space); !c) return c;
    if (auto i = tx.InsertWebhook(webhook); !i) return i;
    if (auto v = MarkWebhooksChanged(tx, webhook.id); !v) return v;
    return AuditWebhook(tx, caller, "webhook.register", webhook, webhook.created_at);
  });
  if (!w) return std::unexpected(w.error());
  return webhook;
}

Result<std::vector<Webhook>> WebhookService::List(const Caller& caller) {
  if (auto r = caller.RequireAuthenticated(); !r) return std::unexpected(r.error());
  auto hooks = store_.Read([&](ReadTx& tx) { return tx.ListWebhooks(caller.organization->id); });
  if (!hooks) return std::unexpected(hooks.error());
  std::erase_if(*hooks, [&](const Webhook& h) { return h.space != caller.space; });
  for (auto& h : *hooks) h.secret.clear();
  return hooks;
}

Result<Webhook> WebhookService::Own(ReadTx& tx, const Caller& caller, const std::string& id) {
  auto hook = tx.GetWebhook(id);
  if (!hook) return std::unexpected(hook.error());
  if (!*hook || (*hook)->organization != caller.organization->id || (*hook)->space != caller.space)
    return NotFound("webhook not found");
  return std::move(**hook);
}

Result<Webhook> WebhookService::Disable(const Caller& caller, const std::string& id) {
  if (auto r = caller.Require(Role::kAdmin); !r) return std::unexpected(r.error());
  const Timestamp now = clock_.Now();
  auto disabled = store_.Write([&](WriteTx& tx) -> Result<Webhook> {
    auto hook = Own(tx, caller, id);
    if (!hook) return std::unexpected(hook.error());
    if (!hook->active) return Conflict("this webhook is already disabled");
    hook->active = false;
    hook->disabled_at = now;
    if (auto u = tx.UpdateWebhook(*hook); !u) return std::unexpected(u.error());
    if (auto v = MarkWebhooksChanged(tx, NewId("ver")); !v) return std::unexpected(v.error());
    if (auto a = AuditWebhook(tx, caller, "webhook.disable", *hook, now); !a) return std::unexpected(a.error());
    return hook;
  });
  if (!disabled) return std::unexpected(disabled.error());
  disabled->secret.clear();
  return disabled;
}

Result<std::pair<std::vector<WebhookDelivery>, std::optional<std::string>>> WebhookService::Deliveries(
    const Caller& caller, const std::string& id,
    const std::vector<std::pair<std::string, std::string>>& query) {
  if (auto r = caller.RequireAuthenticated(); !r) return std::unexpected(r.error());
  std::optional<int64_t> before;
  int limit = 50;
  for (const auto& [name, value] : query) {
    if (name == "cursor") {
      auto v = ParseInteger(value, name, 1, INT64_MAX);
      if (!v) return InvalidArgument(name, "is not a cursor this server issued");
      before = *v;
    } else if (name == "limit") {
      auto v = ParseInteger(value, name, 1, kMaxPage);
      if (!v) return std::unexpected(v.error());
      limit = int(*v);
    } else {
      return InvalidArgument(name, "is not a known query parameter (cursor, limit)");
    }
  }
  using Page = std::pair<std::vector<WebhookDelivery>, std::optional<std::string>>;
  return store_.Read([&](ReadTx& tx) -> Result<Page> {
    auto hook = Own(tx, caller, id);
    if (!hook) return std::unexpected(hook.error());
    auto rows = tx.ListWebhookDeliveries(id, before, limit + 1);
    if (!rows) return std::unexpected(rows.error());
    Page page;
    if (int(rows->size()) > limit) {
      rows->resize(limit);
      page.second = std::to_string(rows->back().id);
    }
    page.first = std::move(*rows);
    return page;
  });
}

}  // namespace infrashare
