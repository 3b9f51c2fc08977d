// SqlTx: webhooks and the log of their deliveries (store/stored_alerts.h).
// ListDueWebhookDeliveries claims the rows it answers: on PostgreSQL other
// processes skip them (Dialect::SkipLocked), so that dispatchers sharing the
// database never POST the same delivery twice at once.
#include <fmt/format.h>

#include "store/sql/sql_tx.h"
#include "store/stored_alerts.h"

namespace infrashare::sql {

namespace {

// Every row (columns: id, doc) as a webhook.
Result<std::vector<Webhook>> ReadWebhooks(const Rows& rows) {
  std::vector<Webhook> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto webhook = INFRASHARE_TRY(stored::WebhookFromStored(rows.Text(i, 0), rows.Text(i, 1)));
    out.push_back(std::move(webhook));
  }
  return out;
}

// Every row (columns: id, doc) as a delivery.
Result<std::vector<WebhookDelivery>> ReadDeliveries(const Rows& rows) {
  std::vector<WebhookDelivery> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto delivery = INFRASHARE_TRY(stored::DeliveryFromStored(rows.Int(i, 0), rows.Text(i, 1)));
    out.push_back(std::move(delivery));
  }
  return out;
}

}  // namespace

Result<void> SqlTx::InsertWebhook(const Webhook& webhook) {
  auto rows = INFRASHARE_TRY(session_.Exec(
      "INSERT INTO webhooks (id, organization, doc) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
      Params().Add(webhook.id).Add(webhook.organization).Add(stored::WebhookDocument(webhook)),
      "insert webhook"));
  if (rows.Affected() == 0) return Conflict(fmt::format("webhook '{}' already exists", webhook.id), "id");
  return {};
}

Result<void> SqlTx::UpdateWebhook(const Webhook& webhook) {
  auto rows = INFRASHARE_TRY(
      session_.Exec("UPDATE webhooks SET organization = $2, doc = $3 WHERE id = $1",
                    Params().Add(webhook.id).Add(webhook.organization).Add(stored::WebhookDocument(webhook)),
                    "update webhook"));
  if (rows.Affected() == 0) return NotFound(fmt::format("webhook '{}' not found", webhook.id));
  return {};
}

Result<std::optional<Webhook>> SqlTx::GetWebhook(const std::string& id) {
  auto rows = INFRASHARE_TRY(
      session_.Exec("SELECT id, doc FROM webhooks WHERE id = $1", Params().Add(id), "get webhook"));
  auto webhooks = INFRASHARE_TRY(ReadWebhooks(rows));
  if (webhooks.empty()) return std::nullopt;
  return std::move(webhooks.front());
}

Result<std::vector<Webhook>> SqlTx::ListWebhooks(const std::optional<std::string>& organization) {
  auto rows = INFRASHARE_TRY(
      organization ? session_.Exec("SELECT id, doc FROM webhooks WHERE organization = $1 ORDER BY id",
                                   Params().Add(*organization), "list webhooks")
                   : session_.Exec("SELECT id, doc FROM webhooks ORDER BY id", "list webhooks"));
  return ReadWebhooks(rows);
}

Result<int64_t> SqlTx::InsertDeliveryRow(const WebhookDelivery& delivery) {
  // The webhook is checked first, so that a missing one is an answer rather
  // than a foreign-key error that aborts the transaction.
  auto webhook = INFRASHARE_TRY(session_.Exec("SELECT 1 FROM webhooks WHERE id = $1",
                                              Params().Add(delivery.webhook_id), "find webhook"));
  if (webhook.empty()) return NotFound(fmt::format("webhook '{}' not found", delivery.webhook_id));
  // The database assigns the id ($6) unless an import gives it.
  const std::string& insert =
      delivery.id != 0
          ? Once(session_.dialect(),
                 [](const Dialect&) {
                   return std::string(
                       "INSERT INTO webhook_deliveries (webhook_id, event_seq, state, next_attempt_at, doc, "
                       "id) "
                       "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING");
                 })
          : Once(session_.dialect(), [](const Dialect& d) {
              return "INSERT INTO webhook_deliveries (webhook_id, event_seq, state, next_attempt_at, doc) "
                     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (webhook_id, event_seq) DO NOTHING" +
                     d.Returning("id");
            });
  Params p;
  p.Add(delivery.webhook_id)
      .Add(delivery.event_seq)
      .Add(stored::DeliveryStateName(delivery))
      .Add(ToMicros(delivery.next_attempt_at))
      .Add(stored::DeliveryDocument(delivery));
  if (delivery.id != 0) p.Add(delivery.id);
  auto rows = INFRASHARE_TRY(
      session_.Exec(insert, p, delivery.id != 0 ? "import webhook delivery" : "insert webhook delivery"));
  if (rows.Affected() == 0) return 0;
  if (delivery.id == 0) return rows.InsertedKey();
  INFRASHARE_TRY(AdvanceSequence("webhook_deliveries", "id"));
  return delivery.id;
}

Result<int64_t> SqlTx::InsertWebhookDelivery(const WebhookDelivery& delivery) {
  WebhookDelivery fresh = delivery;
  fresh.id = 0;
  return InsertDeliveryRow(fresh);
}

Result<void> SqlTx::InsertWebhookDeliveryAt(const WebhookDelivery& delivery) {
  auto id = INFRASHARE_TRY(InsertDeliveryRow(delivery));
  if (id == 0)
    return Conflict(fmt::format("webhook delivery #{} (event #{} of webhook '{}') already exists",
                                delivery.id, delivery.event_seq, delivery.webhook_id),
                    "id");
  return {};
}

Result<void> SqlTx::UpdateWebhookDelivery(const WebhookDelivery& delivery) {
  const std::string& find = Once(session_.dialect(), [](const Dialect& d) {
    return "SELECT id, doc FROM webhook_deliveries WHERE id = $1" + std::string(d.ForUpdate());
  });
  auto rows = INFRASHARE_TRY(session_.Exec(find, Params().Add(delivery.id), "find webhook delivery"));
  auto current = INFRASHARE_TRY(ReadDeliveries(rows));
  if (current.empty()) return NotFound(fmt::format("webhook delivery #{} not found", delivery.id));
  const WebhookDelivery updated = stored::WithStateOf(std::move(current.front()), delivery);
  return session_.Run(
      "UPDATE webhook_deliveries SET state = $2, next_attempt_at = $3, doc = $4 WHERE id = $1",
      Params()
          .Add(updated.id)
          .Add(stored::DeliveryStateName(updated))
          .Add(ToMicros(updated.next_attempt_at))
          .Add(stored::DeliveryDocument(updated)),
      "update webhook delivery");
}

Result<std::optional<WebhookDelivery>> SqlTx::GetWebhookDelivery(int64_t id) {
  auto rows = INFRASHARE_TRY(session_.Exec("SELECT id, doc FROM webhook_deliveries WHERE id = $1",
                                           Params().Add(id), "get webhook delivery"));
  auto deliveries = INFRASHARE_TRY(ReadDeliveries(rows));
  if (deliveries.empty()) return std::nullopt;
  return std::move(deliveries.front());
}

Result<std::vector<WebhookDelivery>> SqlTx::ListWebhookDeliveries(const std::string& webhook_id,
                                                                  std::optional<int64_t> before_id,
                                                                  int limit) {
  INFRASHARE_TRY(stored::CheckLimit(limit));
  auto rows = INFRASHARE_TRY(session_.Exec(
      "SELECT id, doc FROM webhook_deliveries WHERE webhook_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
      Params().Add(webhook_id).Add(stored::CursorBound(before_id)).Add(int64_t{limit}),
      "list webhook deliveries"));
  return ReadDeliveries(rows);
}

Result<std::vector<WebhookDelivery>> SqlTx::ListDueWebhookDeliveries(Timestamp now, int limit,
                                                                     const std::vector<std::string>& skip) {
  INFRASHARE_TRY(stored::CheckLimit(limit));
  // 'pending' is spelled out so that the partial index webhook_deliveries_due
  // serves the walk.
  const std::string& sql = Once(session_.dialect(), [](const Dialect& d) {
    return fmt::format(
        "SELECT id, doc FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $1 "
        "AND {} ORDER BY next_attempt_at, id LIMIT $2{}",
        d.NotInJsonList("webhook_id", "$3"), d.SkipLocked());
  });
  auto rows = INFRASHARE_TRY(
      session_.Exec(sql, Params().Add(ToMicros(now)).Add(int64_t{limit}).Add(Json(skip).dump()),
                    "list due webhook deliveries"));
  return ReadDeliveries(rows);
}

}  // namespace infrashare::sql
