// PgTx: webhooks and the log of their deliveries (store/stored_alerts.h).
// ListDueWebhookDeliveries locks the rows it answers and skips rows that
// another process holds (FOR UPDATE SKIP LOCKED), so that dispatchers
// sharing the database never POST the same delivery twice at once.
#include <fmt/format.h>

#include "store/postgres/pg_tx.h"
#include "store/stored_alerts.h"

namespace infrashare::postgres {

namespace {

// A text[] literal: "{a,b}". Webhook ids are "whk_" and hex digits; anything
// else is quoted as a PostgreSQL array element.
std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// Every row (columns: id, doc) as a webhook.
Result<std::vector<Webhook>> ReadWebhooks(const Rows& rows) {
  std::vector<Webhook> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto webhook = stored::WebhookFromStored(rows.Text(i, 0), rows.Text(i, 1));
    if (!webhook) return std::unexpected(webhook.error());
    out.push_back(std::move(*webhook));
  }
  return out;
}

// Every row (columns: id, doc) as a delivery.
Result<std::vector<WebhookDelivery>> ReadDeliveries(const Rows& rows) {
  std::vector<WebhookDelivery> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto delivery = stored::DeliveryFromStored(rows.Int(i, 0), rows.Text(i, 1));
    if (!delivery) return std::unexpected(delivery.error());
    out.push_back(std::move(*delivery));
  }
  return out;
}

}  // namespace

Result<bool> PgTx::WebhookExists(const std::string& webhook_id) {
  auto rows = conn_.Exec("SELECT 1 FROM webhooks WHERE id = $1", Params().Add(webhook_id), "find webhook");
  if (!rows) return std::unexpected(rows.error());
  return !rows->empty();
}

Result<void> PgTx::InsertWebhook(const Webhook& webhook) {
  auto rows = conn_.Exec(
      "INSERT INTO webhooks (id, organization, doc) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
      Params().Add(webhook.id).Add(webhook.organization).Add(stored::WebhookDocument(webhook)),
      "insert webhook");
  if (!rows) return std::unexpected(rows.error());
  if (rows->Affected() == 0) return Conflict(fmt::format("webhook '{}' already exists", webhook.id), "id");
  return {};
}

Result<void> PgTx::UpdateWebhook(const Webhook& webhook) {
  auto rows =
      conn_.Exec("UPDATE webhooks SET organization = $2, doc = $3 WHERE id = $1",
                 Params().Add(webhook.id).Add(webhook.organization).Add(stored::WebhookDocument(webhook)),
                 "update webhook");
  if (!rows) return std::unexpected(rows.error());
  if (rows->Affected() == 0) return NotFound(fmt::format("webhook '{}' not found", webhook.id));
  return {};
}

Result<std::optional<Webhook>> PgTx::GetWebhook(const std::string& id) {
  auto rows = conn_.Exec("SELECT id, doc FROM webhooks WHERE id = $1", Params().Add(id), "get webhook");
  if (!rows) return std::unexpected(rows.error());
  auto webhooks = ReadWebhooks(*rows);
  if (!webhooks) return std::unexpected(webhooks.error());
  if (webhooks->empty()) return std::nullopt;
  return std::move(webhooks->front());
}

Result<std::vector<Webhook>> PgTx::ListWebhooks(const std::optional<std::string>& organization) {
  auto rows = organization ? conn_.Exec("SELECT id, doc FROM webhooks WHERE organization = $1 ORDER BY id",
                                        Params().Add(*organization), "list webhooks")
                           : conn_.Exec("SELECT id, doc FROM webhooks ORDER BY id", "list webhooks");
  if (!rows) return std::unexpected(rows.error());
  return ReadWebhooks(*rows);
}

Result<int64_t> PgTx::InsertDeliveryRow(const WebhookDelivery& delivery) {
  Params p;
  p.Add(delivery.webhook_id)
      .Add(delivery.event_seq)
      .Add(stored::DeliveryStateName(delivery))
      .Add(ToMicros(delivery.next_attempt_at))
      .Add(stored::DeliveryDocument(delivery));
  if (delivery.id == 0) {
    auto rows = conn_.Exec(
        "INSERT INTO webhook_deliveries (webhook_id, event_seq, state, next_attempt_at, doc) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (webhook_id, event_seq) DO NOTHING RETURNING id",
        p, "insert webhook delivery");
    if (!rows) return std::unexpected(rows.error());
    return rows->empty() ? 0 : rows->Int(0, 0);
  }
  // Import: the id given; the sequence moves past it.
  p.Add(delivery.id);
  auto rows = conn_.Exec(
      "WITH d AS ("
      "  INSERT INTO webhook_deliveries (id, webhook_id, event_seq, state, next_attempt_at, doc)"
      "  VALUES ($6, $1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id) "
      "SELECT d.id, setval(pg_get_serial_sequence('webhook_deliveries', 'id'), "
      "greatest(d.id, (SELECT coalesce(max(id), 0) FROM webhook_deliveries))) "
      "FROM d",
      p, "import webhook delivery");
  if (!rows) return std::unexpected(rows.error());
  return rows->empty() ? 0 : rows->Int(0, 0);
}

Result<int64_t> PgTx::InsertWebhookDelivery(const WebhookDelivery& delivery) {
  return stored::InsertDelivery(*this, delivery);
}

Result<void> PgTx::InsertWebhookDeliveryAt(const WebhookDelivery& delivery) {
  return stored::InsertDeliveryAt(*this, delivery);
}

Result<void> PgTx::UpdateWebhookDelivery(const WebhookDelivery& delivery) {
  auto rows = conn_.Exec("SELECT id, doc FROM webhook_deliveries WHERE id = $1 FOR UPDATE",
                         Params().Add(delivery.id), "find webhook delivery");
  if (!rows) return std::unexpected(rows.error());
  auto current = ReadDeliveries(*rows);
  if (!current) return std::unexpected(current.error());
  if (current->empty()) return NotFound(fmt::format("webhook delivery #{} not found", delivery.id));
  const WebhookDelivery updated = stored::WithStateOf(std::move(current->front()), delivery);
  auto r =
      conn_.Exec("UPDATE webhook_deliveries SET state = $2, next_attempt_at = $3, doc = $4 WHERE id = $1",
                 Params()
                     .Add(updated.id)
                     .Add(stored::DeliveryStateName(updated))
                     .Add(ToMicros(updated.next_attempt_at))
                     .Add(stored::DeliveryDocument(updated)),
                 "update webhook delivery");
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::optional<WebhookDelivery>> PgTx::GetWebhookDelivery(int64_t id) {
  auto rows = conn_.Exec("SELECT id, doc FROM webhook_deliveries WHERE id = $1", Params().Add(id),
                         "get webhook delivery");
  if (!rows) return std::unexpected(rows.error());
  auto deliveries = ReadDeliveries(*rows);
  if (!deliveries) return std::unexpected(deliveries.error());
  if (deliveries->empty()) return std::nullopt;
  return std::move(deliveries->front());
}

Result<std::vector<WebhookDelivery>> PgTx::ListWebhookDeliveries(const std::string& webhook_id,
                                                                 std::optional<int64_t> before_id,
                                                                 int limit) {
  if (auto c = stored::CheckLimit(limit); !c) return std::unexpected(c.error());
  auto rows = conn_.Exec(
      "SELECT id, doc FROM webhook_deliveries WHERE webhook_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
      Params().Add(webhook_id).Add(stored::CursorBound(before_id)).Add(int64_t{limit}),
      "list webhook deliveries");
  if (!rows) return std::unexpected(rows.error());
  return ReadDeliveries(*rows);
}

Result<std::vector<WebhookDelivery>> PgTx::ListDueWebhookDeliveries(Timestamp now, int limit,
                                                                    const std::vector<std::string>& skip) {
  if (auto c = stored::CheckLimit(limit); !c) return std::unexpected(c.error());
  // 'pending' is spelled out so that the partial index webhook_deliveries_due
  // serves the walk.
  auto rows = conn_.Exec(
      "SELECT id, doc FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $1 "
      "AND webhook_id <> ALL($3::text[]) ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED",
      Params().Add(ToMicros(now)).Add(int64_t{limit}).Add(TextArray(skip)), "list due webhook deliveries");
  if (!rows) return std::unexpected(rows.error());
  return ReadDeliveries(*rows);
}

}  // namespace infrashare::postgres
