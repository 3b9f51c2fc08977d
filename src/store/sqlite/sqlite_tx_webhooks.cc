// SqliteTx: webhooks and the log of their deliveries (store/stored_alerts.h).
#include <fmt/format.h>

#include "store/sqlite/sqlite_tx.h"
#include "store/stored_alerts.h"

namespace infrashare::sqlite {

namespace {

// Reads every row of `s` (columns: id, doc) as webhooks.
Result<std::vector<Webhook>> ReadWebhooks(Statement& s, std::string_view what) {
  std::vector<Webhook> out;
  for (;;) {
    auto row = s.Step(what);
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    auto webhook = stored::WebhookFromStored(s.Text(0), s.Text(1));
    if (!webhook) return std::unexpected(webhook.error());
    out.push_back(std::move(*webhook));
  }
}

// Reads every row of `s` (columns: id, doc) as deliveries.
Result<std::vector<WebhookDelivery>> ReadDeliveries(Statement& s, std::string_view what) {
  std::vector<WebhookDelivery> out;
  for (;;) {
    auto row = s.Step(what);
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    auto delivery = stored::DeliveryFromStored(s.Int(0), s.Text(1));
    if (!delivery) return std::unexpected(delivery.error());
    out.push_back(std::move(*delivery));
  }
}

}  // namespace

Result<bool> SqliteTx::WebhookExists(const std::string& webhook_id) {
  auto s = conn_.Prepare("SELECT 1 FROM webhooks WHERE id = :id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", webhook_id);
  return (*s)->Step("find webhook");
}

Result<void> SqliteTx::InsertWebhook(const Webhook& webhook) {
  auto s = conn_.Prepare("INSERT INTO webhooks (id, organization, doc) VALUES (:id, :organization, :doc)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", webhook.id);
  (*s)->Bind(":organization", webhook.organization);
  (*s)->Bind(":doc", stored::WebhookDocument(webhook));
  auto r = (*s)->Run("insert webhook");
  if (!r && r.error().code == ErrorCode::kConflict)
    return Conflict(fmt::format("webhook '{}' already exists", webhook.id), "id");
  return r;
}

Result<void> SqliteTx::UpdateWebhook(const Webhook& webhook) {
  auto s = conn_.Prepare(
      "UPDATE webhooks SET organization = :organization, doc = :doc WHERE id = :id RETURNING id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", webhook.id);
  (*s)->Bind(":organization", webhook.organization);
  (*s)->Bind(":doc", stored::WebhookDocument(webhook));
  auto row = (*s)->Step("update webhook");
  if (!row) return std::unexpected(row.error());
  if (!*row) return NotFound(fmt::format("webhook '{}' not found", webhook.id));
  return {};
}

Result<std::optional<Webhook>> SqliteTx::GetWebhook(const std::string& id) {
  auto s = conn_.Prepare("SELECT id, doc FROM webhooks WHERE id = :id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", id);
  auto webhooks = ReadWebhooks(**s, "get webhook");
  if (!webhooks) return std::unexpected(webhooks.error());
  if (webhooks->empty()) return std::nullopt;
  return std::move(webhooks->front());
}

Result<std::vector<Webhook>> SqliteTx::ListWebhooks(const std::optional<std::string>& organization) {
  auto s = conn_.Prepare(organization ? "SELECT id, doc FROM webhooks WHERE organization = :org ORDER BY id"
                                      : "SELECT id, doc FROM webhooks ORDER BY id");
  if (!s) return std::unexpected(s.error());
  if (organization) (*s)->Bind(":org", *organization);
  return ReadWebhooks(**s, "list webhooks");
}

Result<int64_t> SqliteTx::InsertDeliveryRow(const WebhookDelivery& delivery) {
  auto s = conn_.Prepare(
      "INSERT INTO webhook_deliveries (id, webhook_id, event_seq, state, next_attempt_at, doc) "
      "VALUES (:id, :webhook_id, :event_seq, :state, :next_attempt_at, :doc) "
      "ON CONFLICT (webhook_id, event_seq) DO NOTHING");
  // (No RETURNING: in SQLite 3.40 a RETURNING statement costs time that grows
  // with the transaction — 7,000 deliveries in one took 4 s instead of 60 ms.)
  if (!s) return std::unexpected(s.error());
  if (delivery.id != 0)
    (*s)->Bind(":id", delivery.id);
  else
    (*s)->Bind(":id", std::nullopt);  // the next id
  (*s)->Bind(":webhook_id", delivery.webhook_id);
  (*s)->Bind(":event_seq", delivery.event_seq);
  (*s)->Bind(":state", stored::DeliveryStateName(delivery));
  (*s)->Bind(":next_attempt_at", ToMicros(delivery.next_attempt_at));
  (*s)->Bind(":doc", stored::DeliveryDocument(delivery));
  auto r = (*s)->Run("insert webhook delivery");
  if (!r && r.error().code == ErrorCode::kConflict)
    return Conflict(fmt::format("webhook delivery #{} already exists", delivery.id), "id");
  if (!r) return std::unexpected(r.error());
  return conn_.Changes() == 0 ? 0 : conn_.LastInsertRowid();
}

Result<int64_t> SqliteTx::InsertWebhookDelivery(const WebhookDelivery& delivery) {
  return stored::InsertDelivery(*this, delivery);
}

Result<void> SqliteTx::InsertWebhookDeliveryAt(const WebhookDelivery& delivery) {
  return stored::InsertDeliveryAt(*this, delivery);
}

Result<void> SqliteTx::UpdateWebhookDelivery(const WebhookDelivery& delivery) {
  auto current = GetWebhookDelivery(delivery.id);
  if (!current) return std::unexpected(current.error());
  if (!*current) return NotFound(fmt::format("webhook delivery #{} not found", delivery.id));
  const WebhookDelivery updated = stored::WithStateOf(std::move(**current), delivery);
  auto s = conn_.Prepare(
      "UPDATE webhook_deliveries SET state = :state, next_attempt_at = :next_attempt_at, doc = :doc "
      "WHERE id = :id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", updated.id);
  (*s)->Bind(":state", stored::DeliveryStateName(updated));
  (*s)->Bind(":next_attempt_at", ToMicros(updated.next_attempt_at));
  (*s)->Bind(":doc", stored::DeliveryDocument(updated));
  return (*s)->Run("update webhook delivery");
}

Result<std::optional<WebhookDelivery>> SqliteTx::GetWebhookDelivery(int64_t id) {
  auto s = conn_.Prepare("SELECT id, doc FROM webhook_deliveries WHERE id = :id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", id);
  auto deliveries = ReadDeliveries(**s, "get webhook delivery");
  if (!deliveries) return std::unexpected(deliveries.error());
  if (deliveries->empty()) return std::nullopt;
  return std::move(deliveries->front());
}

Result<std::vector<WebhookDelivery>> SqliteTx::ListWebhookDeliveries(const std::string& webhook_id,
                                                                     std::optional<int64_t> before_id,
                                                                     int limit) {
  if (auto c = stored::CheckLimit(limit); !c) return std::unexpected(c.error());
  auto s = conn_.Prepare(
      "SELECT id, doc FROM webhook_deliveries WHERE webhook_id = :webhook_id AND id < :before "
      "ORDER BY id DESC LIMIT :limit");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":webhook_id", webhook_id);
  (*s)->Bind(":before", stored::CursorBound(before_id));
  (*s)->Bind(":limit", int64_t{limit});
  return ReadDeliveries(**s, "list webhook deliveries");
}

Result<std::vector<WebhookDelivery>> SqliteTx::ListDueWebhookDeliveries(Timestamp now, int limit,
                                                                        const std::vector<std::string>& skip) {
  if (auto c = stored::CheckLimit(limit); !c) return std::unexpected(c.error());
  // 'pending' is spelled out so that the partial index webhook_deliveries_due
  // serves the walk.
  auto s = conn_.Prepare(
      "SELECT id, doc FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= :now "
      "AND webhook_id NOT IN (SELECT value FROM json_each(:skip)) ORDER BY next_attempt_at, id LIMIT :limit");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":now", ToMicros(now));
  (*s)->Bind(":limit", int64_t{limit});
  (*s)->Bind(":skip", Json(skip).dump());
  return ReadDeliveries(**s, "list due webhook deliveries");
}

}  // namespace infrashare::sqlite
