// The Store contract, part 4: alerts and their recipients, webhooks and
// their deliveries, the outbox's subject. Every backend runs these unchanged
// (store_test_suite.h).
#include "domain/alert/alert_json.h"
#include "store/store_test_suite.h"
#include "store/store_test_util.h"

namespace infrashare {
namespace {

using store_test::At;
using store_test::ReadValue;
using store_test::WriteValue;

AlertRecipient Recipient(std::string org, std::optional<Timestamp> deadline = std::nullopt) {
  AlertRecipient r;
  r.organization = std::move(org);
  r.contacts = {"当直"};
  r.deadline = deadline;
  r.queued_at = At(0);
  r.channels = {{"inbox", DeliveryState::kQueued, At(0), 0, ""}};
  return r;
}

Alert MakeAlert(std::string id, std::string raised_by, std::vector<AlertRecipient> recipients,
                Space space = Space::Live()) {
  Alert a;
  a.id = std::move(id);
  a.space = std::move(space);
  a.kind = AlertKind::kEarlyWarning;
  a.level = 4;
  a.title = "早期警戒";
  a.message = "Patch now";
  a.raised_by_org = std::move(raised_by);
  a.raised_by_principal = a.raised_by_org.empty() ? "" : "prn_analyst";
  a.created_at = At(1);
  a.recipients = std::move(recipients);
  return a;
}

Result<int64_t> Insert(Store& store, const Alert& alert) {
  return WriteValue(store, [&](WriteTx& tx) { return tx.InsertAlert(alert); });
}

std::vector<std::string> Ids(const std::vector<Alert>& alerts) {
  std::vector<std::string> ids;
  for (const auto& a : alerts) ids.push_back(a.id);
  return ids;
}

std::vector<std::string> Orgs(const std::vector<AlertRecipient>& recipients) {
  std::vector<std::string> orgs;
  for (const auto& r : recipients) orgs.push_back(r.organization);
  return orgs;
}

Webhook MakeWebhook(std::string id, std::string org) {
  return Webhook{.id = std::move(id),
                 .organization = std::move(org),
                 .url = "https://soc.example.jp/hook",
                 .secret = "s3cret",
                 .created_by = "prn_admin",
                 .created_at = At(2)};
}

WebhookDelivery MakeDelivery(std::string webhook_id, int64_t event_seq, Timestamp next) {
  return WebhookDelivery{.webhook_id = std::move(webhook_id),
                         .event_seq = event_seq,
                         .event_type = "alert.raised",
                         .body = fmt::format(R"({{"seq":{}}})", event_seq),
                         .created_at = At(0),
                         .next_attempt_at = next};
}

TEST_P(StoreTest, AlertInsertGetKeepsRecipientOrder) {
  Alert a =
      MakeAlert("alt_1", "org_nisc", {Recipient("org_b", At(900)), Recipient("org_a"), Recipient("org_c")});
  a.recipients[1].state = DeliveryState::kAcknowledged;
  a.recipients[1].acknowledged_at = At(5);
  a.recipients[1].acknowledged_by = "prn_x";
  auto seq = Insert(store(), a);
  ASSERT_TRUE(seq) << seq.error().message;
  EXPECT_GT(*seq, 0);

  auto got = ReadValue(store(), [](ReadTx& tx) { return tx.GetAlert(Space::Live(), "alt_1"); });
  ASSERT_TRUE(got && *got) << (got ? "missing" : got.error().message);
  a.seq = *seq;
  EXPECT_EQ(**got, a);
  EXPECT_EQ(AlertToJson(**got), AlertToJson(a));

  auto head = ReadValue(store(), [](ReadTx& tx) { return tx.GetAlertHead(Space::Live(), "alt_1"); });
  ASSERT_TRUE(head && *head);
  EXPECT_EQ((*head)->seq, *seq);
  EXPECT_TRUE((*head)->recipients.empty());
  EXPECT_EQ((*head)->title, "早期警戒");

  EXPECT_FALSE(ReadValue(store(), [](ReadTx& tx) {
                 return tx.GetAlert(*Space::Exercise("exr_1"), "alt_1");
               })->has_value());
  EXPECT_FALSE(
      ReadValue(store(), [](ReadTx& tx) { return tx.GetAlert(Space::Live(), "alt_none"); })->has_value());

  auto one = ReadValue(store(), [](ReadTx& tx) { return tx.GetAlertRecipient("alt_1", "org_a"); });
  ASSERT_TRUE(one && *one);
  EXPECT_EQ(**one, a.recipients[1]);
  EXPECT_FALSE(
      ReadValue(store(), [](ReadTx& tx) { return tx.GetAlertRecipient("alt_1", "org_z"); })->has_value());

  auto again = Insert(store(), MakeAlert("alt_1", "org_x", {}));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().field, "id");
}

TEST_P(StoreTest, InsertAlertRejectsARepeatedRecipientAndStoresNothing) {
  auto r = Insert(store(), MakeAlert("alt_1", "org_nisc", {Recipient("org_a"), Recipient("org_a")}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "recipients[1].organization");
  EXPECT_EQ(r.error().message, "'org_a' is already a recipient");
  EXPECT_FALSE(
      ReadValue(store(), [](ReadTx& tx) { return tx.GetAlert(Space::Live(), "alt_1"); })->has_value());
}

TEST_P(StoreTest, UpsertAlertRecipientReplacesInPlaceAndAppends) {
  ASSERT_TRUE(
      Insert(store(), MakeAlert("alt_1", "", {Recipient("org_b", At(60)), Recipient("org_a", At(60))})));
  AlertRecipient acked = Recipient("org_b");
  acked.state = DeliveryState::kAcknowledged;
  acked.acknowledged_at = At(30);
  acked.acknowledged_by = "prn_b";
  AlertRecipient ministry = Recipient("org_meti", At(120));
  ministry.reason = RecipientReason::kSectorMinistry;
  ministry.escalated_from = "org_a";
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    if (auto u = tx.UpsertAlertRecipient("alt_1", acked); !u) return u;
    return tx.UpsertAlertRecipient("alt_1", ministry);
  }));
  auto got = ReadValue(store(), [](ReadTx& tx) { return tx.GetAlert(Space::Live(), "alt_1"); });
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(Orgs((*got)->recipients), (std::vector<std::string>{"org_b", "org_a", "org_meti"}));
  EXPECT_EQ((*got)->recipients[0], acked);
  EXPECT_EQ((*got)->recipients[2], ministry);

  // The replaced row's deadline is gone from the due list; the others are due.
  auto due = WriteValue(store(), [](WriteTx& tx) { return tx.ListDueRecipients(At(1000), 10); });
  ASSERT_TRUE(due) << due.error().message;
  std::vector<std::string> due_orgs;
  for (const auto& d : *due) due_orgs.push_back(d.recipient.organization);
  EXPECT_EQ(due_orgs, (std::vector<std::string>{"org_a", "org_meti"}));

  auto missing = store().Write([&](WriteTx& tx) { return tx.UpsertAlertRecipient("alt_none", acked); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "alert 'alt_none' not found");
}

TEST_P(StoreTest, ListAlertsOfAnOrganizationOrEveryOne) {
  ASSERT_TRUE(Insert(store(), MakeAlert("alt_1", "org_x", {Recipient("org_y")})));
  ASSERT_TRUE(Insert(store(), MakeAlert("alt_2", "", {Recipient("org_z"), Recipient("org_x", At(50))})));
  ASSERT_TRUE(Insert(store(), MakeAlert("alt_3", "org_z", {Recipient("org_y")})));
  ASSERT_TRUE(Insert(store(), MakeAlert("alt_4", "org_x", {Recipient("org_x")}, *Space::Exercise("exr_1"))));
  ASSERT_TRUE(Insert(store(), MakeAlert("alt_5", "org_x", {Recipient("org_x")})));  // raiser and recipient

  auto list = [&](AlertQuery q) { return ReadValue(store(), [&](ReadTx& tx) { return tx.ListAlerts(q); }); };
  auto mine = list({.organization = "org_x"});
  ASSERT_TRUE(mine) << mine.error().message;
  EXPECT_EQ(Ids(*mine), (std::vector<std::string>{"alt_5", "alt_2", "alt_1"}));
  EXPECT_EQ(Orgs((*mine)[0].recipients), std::vector<std::string>{"org_x"});
  ASSERT_EQ((*mine)[1].recipients.size(), 1u);  // only org_x's row
  EXPECT_EQ((*mine)[1].recipients[0].organization, "org_x");
  EXPECT_EQ((*mine)[1].recipients[0].deadline, At(50));
  EXPECT_TRUE((*mine)[2].recipients.empty());  // org_x raised it; not a recipient

  auto all = list({});
  ASSERT_TRUE(all);
  EXPECT_EQ(Ids(*all), (std::vector<std::string>{"alt_5", "alt_3", "alt_2", "alt_1"}));
  for (const auto& a : *all) EXPECT_TRUE(a.recipients.empty());
  EXPECT_EQ(Ids(*list({.space = *Space::Exercise("exr_1"), .organization = "org_x"})),
            std::vector<std::string>{"alt_4"});
  EXPECT_TRUE(list({.organization = "org_nobody"})->empty());
  EXPECT_EQ(Ids(*list({.organization = "org_y"})), (std::vector<std::string>{"alt_3", "alt_1"}));

  // Cursor pages, newest first, cover everything once.
  std::vector<std::string> paged;
  std::optional<int64_t> before;
  for (;;) {
    auto page = list({.organization = "org_x", .before_seq = before, .limit = 2});
    ASSERT_TRUE(page);
    if (page->empty()) break;
    for (const auto& a : *page) paged.push_back(a.id);
    before = page->back().seq;
  }
  EXPECT_EQ(paged, Ids(*mine));

  auto bad = list({.limit = 0});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "limit");
}

TEST_P(StoreTest, ListDueRecipientsEarliestFirstSkippingUnsetAndFuture) {
  ASSERT_TRUE(Insert(
      store(), MakeAlert("alt_1", "org_nisc",
                         {Recipient("org_a", At(10)), Recipient("org_b"), Recipient("org_c", At(100))})));
  ASSERT_TRUE(
      Insert(store(), MakeAlert("alt_2", "org_nisc", {Recipient("org_d", At(5)), Recipient("org_e", At(50))},
                                *Space::Exercise("exr_1"))));
  auto due = WriteValue(store(), [](WriteTx& tx) { return tx.ListDueRecipients(At(50), 10); });
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].alert_id, "alt_2");
  EXPECT_EQ((*due)[0].space, *Space::Exercise("exr_1"));
  EXPECT_EQ((*due)[0].recipient.organization, "org_d");
  EXPECT_EQ((*due)[1].recipient.organization, "org_a");
  EXPECT_EQ((*due)[1].space, Space::Live());
  EXPECT_EQ((*due)[1].recipient, Recipient("org_a", At(10)));
  EXPECT_EQ((*due)[2].recipient.organization, "org_e");  // deadline == now is due

  auto first = WriteValue(store(), [](WriteTx& tx) { return tx.ListDueRecipients(At(50), 1); });
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].recipient.organization, "org_d");
  EXPECT_TRUE(WriteValue(store(), [](WriteTx& tx) { return tx.ListDueRecipients(At(4), 10); })->empty());
  auto bad = WriteValue(store(), [](WriteTx& tx) { return tx.ListDueRecipients(At(4), 0); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "limit");
}

TEST_P(StoreTest, WebhooksInsertUpdateList) {
  ASSERT_TRUE(store().Write([](WriteTx& tx) -> Result<void> {
    for (auto [id, org] : {std::pair{"whk_b", "org_a"}, {"whk_c", "org_b"}, {"whk_a", "org_a"}})
      if (auto r = tx.InsertWebhook(MakeWebhook(id, org)); !r) return r;
    return {};
  }));
  auto got = ReadValue(store(), [](ReadTx& tx) { return tx.GetWebhook("whk_a"); });
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, MakeWebhook("whk_a", "org_a"));
  EXPECT_FALSE(ReadValue(store(), [](ReadTx& tx) { return tx.GetWebhook("whk_none"); })->has_value());

  auto ids = [&](std::optional<std::string> org) {
    std::vector<std::string> out;
    auto webhooks = ReadValue(store(), [&](ReadTx& tx) { return tx.ListWebhooks(org); });
    EXPECT_TRUE(webhooks) << webhooks.error().message;
    if (webhooks)
      for (const auto& w : *webhooks) out.push_back(w.id);
    return out;
  };
  EXPECT_EQ(ids("org_a"), (std::vector<std::string>{"whk_a", "whk_b"}));
  EXPECT_EQ(ids(std::nullopt), (std::vector<std::string>{"whk_a", "whk_b", "whk_c"}));
  EXPECT_TRUE(ids("org_none").empty());

  auto twice = store().Write([](WriteTx& tx) { return tx.InsertWebhook(MakeWebhook("whk_a", "org_z")); });
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(twice.error().message, "webhook 'whk_a' already exists");

  Webhook off = MakeWebhook("whk_a", "org_a");
  off.active = false;
  off.disabled_at = At(99);
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return tx.UpdateWebhook(off); }));
  EXPECT_EQ(**ReadValue(store(), [](ReadTx& tx) { return tx.GetWebhook("whk_a"); }), off);

  auto missing =
      store().Write([](WriteTx& tx) { return tx.UpdateWebhook(MakeWebhook("whk_none", "org_a")); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, WebhookDeliveriesOncePerEventDueAndLog) {
  ASSERT_TRUE(store().Write([](WriteTx& tx) -> Result<void> {
    if (auto r = tx.InsertWebhook(MakeWebhook("whk_1", "org_a")); !r) return r;
    return tx.InsertWebhook(MakeWebhook("whk_2", "org_a"));
  }));
  auto insert = [&](const WebhookDelivery& d) {
    return WriteValue(store(), [&](WriteTx& tx) { return tx.InsertWebhookDelivery(d); });
  };
  auto d1 = insert(MakeDelivery("whk_1", 1, At(30)));
  auto d2 = insert(MakeDelivery("whk_1", 2, At(10)));
  auto d3 = insert(MakeDelivery("whk_2", 1, At(20)));
  auto d4 = insert(MakeDelivery("whk_1", 3, At(500)));
  ASSERT_TRUE(d1 && d2 && d3 && d4) << (d1 ? "" : d1.error().message);
  EXPECT_LT(*d1, *d2);

  WebhookDelivery dup = MakeDelivery("whk_1", 1, At(0));
  dup.body = "other";
  auto again = insert(dup);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, 0);
  auto first = ReadValue(store(), [&](ReadTx& tx) { return sql::Inspect(tx).GetWebhookDelivery(*d1); });
  ASSERT_TRUE(first && *first);
  WebhookDelivery expected = MakeDelivery("whk_1", 1, At(30));
  expected.id = *d1;
  EXPECT_EQ(**first, expected);

  auto unknown = insert(MakeDelivery("whk_none", 1, At(0)));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  auto due_ids = [&](Timestamp now, int limit, std::vector<std::string> skip = {}) {
    std::vector<int64_t> ids;
    auto due =
        WriteValue(store(), [&](WriteTx& tx) { return tx.ListDueWebhookDeliveries(now, limit, skip); });
    EXPECT_TRUE(due) << due.error().message;
    if (due)
      for (const auto& d : *due) ids.push_back(d.id);
    return ids;
  };
  EXPECT_EQ(due_ids(At(30), 10), (std::vector<int64_t>{*d2, *d3, *d1}));
  EXPECT_EQ(due_ids(At(30), 1), std::vector<int64_t>{*d2});
  // Webhooks with enough in flight are passed over.
  EXPECT_EQ(due_ids(At(30), 10, {"whk_1"}), std::vector<int64_t>{*d3});
  EXPECT_TRUE(due_ids(At(30), 10, {"whk_2", "whk_1"}).empty());

  // Delivered: no longer due. Only the state fields change.
  WebhookDelivery done = expected;
  done.state = WebhookDeliveryState::kDelivered;
  done.attempts = 1;
  done.last_attempt_at = At(31);
  done.delivered_at = At(31);
  done.last_status = 204;
  WebhookDelivery update = done;
  update.body = "ignored";
  update.event_seq = 77;
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return tx.UpdateWebhookDelivery(update); }));
  EXPECT_EQ(**ReadValue(store(), [&](ReadTx& tx) { return sql::Inspect(tx).GetWebhookDelivery(*d1); }), done);
  // Retried later: due again only when its time comes.
  WebhookDelivery retry =
      **ReadValue(store(), [&](ReadTx& tx) { return sql::Inspect(tx).GetWebhookDelivery(*d2); });
  retry.attempts = 1;
  retry.last_status = 500;
  retry.last_error = "HTTP 500";
  retry.next_attempt_at = At(400);
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return tx.UpdateWebhookDelivery(retry); }));
  EXPECT_EQ(due_ids(At(30), 10), std::vector<int64_t>{*d3});
  EXPECT_EQ(due_ids(At(1000), 10), (std::vector<int64_t>{*d3, *d2, *d4}));
  auto missing = store().Write([&](WriteTx& tx) {
    WebhookDelivery ghost = done;
    ghost.id = *d4 + 100;
    return tx.UpdateWebhookDelivery(ghost);
  });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  // The log of one webhook, newest first, by pages.
  auto log = [&](std::optional<int64_t> before, int limit) {
    std::vector<int64_t> ids;
    auto page =
        ReadValue(store(), [&](ReadTx& tx) { return tx.ListWebhookDeliveries("whk_1", before, limit); });
    EXPECT_TRUE(page) << page.error().message;
    if (page)
      for (const auto& d : *page) ids.push_back(d.id);
    return ids;
  };
  EXPECT_EQ(log(std::nullopt, 10), (std::vector<int64_t>{*d4, *d2, *d1}));
  EXPECT_EQ(log(std::nullopt, 2), (std::vector<int64_t>{*d4, *d2}));
  EXPECT_EQ(log(*d2, 10), std::vector<int64_t>{*d1});
  auto bad =
      ReadValue(store(), [](ReadTx& tx) { return tx.ListWebhookDeliveries("whk_1", std::nullopt, 0); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "limit");
}

TEST_P(StoreTest, OutboxKeepsTheSubject) {
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.NewestOutboxSeq(); }), 0);
  auto w = store().Write([](WriteTx& tx) -> Result<void> {
    if (auto r = tx.AppendOutbox({.at = At(1), .type = "report.created", .record_id = "rpt_1"}); !r) return r;
    return tx.AppendOutbox(
        {.at = At(2), .type = "alert.raised", .record_id = "alt_1", .subject = "org_meti"});
  });
  ASSERT_TRUE(w) << w.error().message;
  auto events = ReadValue(store(), [](ReadTx& tx) { return tx.ListOutbox(0, 10); });
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].subject, "");
  EXPECT_EQ((*events)[1].subject, "org_meti");
  EXPECT_EQ((*events)[1].record_id, "alt_1");
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.NewestOutboxSeq(); }), (*events)[1].seq);
}

TEST_P(StoreTest, FailedWriteLeavesNoAlertBehind) {
  auto r = store().Write([](WriteTx& tx) -> Result<void> {
    if (auto a = tx.InsertAlert(MakeAlert("alt_1", "org_nisc", {Recipient("org_a", At(1))})); !a)
      return std::unexpected(a.error());
    if (auto w = tx.InsertWebhook(MakeWebhook("whk_1", "org_a")); !w) return w;
    if (auto d = tx.InsertWebhookDelivery(MakeDelivery("whk_1", 1, At(0))); !d)
      return std::unexpected(d.error());
    return Unavailable("the hotline is down");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "the hotline is down");
  EXPECT_FALSE(
      ReadValue(store(), [](ReadTx& tx) { return tx.GetAlert(Space::Live(), "alt_1"); })->has_value());
  EXPECT_TRUE(ReadValue(store(), [](ReadTx& tx) { return tx.ListAlerts({}); })->empty());
  EXPECT_FALSE(
      ReadValue(store(), [](ReadTx& tx) { return tx.GetAlertRecipient("alt_1", "org_a"); })->has_value());
  EXPECT_TRUE(WriteValue(store(), [](WriteTx& tx) { return tx.ListDueRecipients(At(100), 10); })->empty());
  EXPECT_TRUE(ReadValue(store(), [](ReadTx& tx) { return tx.ListWebhooks(std::nullopt); })->empty());
  EXPECT_TRUE(
      WriteValue(store(), [](WriteTx& tx) { return tx.ListDueWebhookDeliveries(At(100), 10, {}); })->empty());
  // The id is free again.
  EXPECT_TRUE(Insert(store(), MakeAlert("alt_1", "org_nisc", {})));
}

TEST_P(StoreTest, AlertsAndWebhooksSurviveReopen) {
  const Alert a = MakeAlert("alt_1", "org_nisc", {Recipient("org_b", At(10)), Recipient("org_a")});
  int64_t seq = 0, delivery = 0;
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    auto s = INFRASHARE_TRY(tx.InsertAlert(a));
    seq = s;
    if (auto u = tx.UpsertAlertRecipient("alt_1", Recipient("org_c", At(20))); !u) return u;
    if (auto w = tx.InsertWebhook(MakeWebhook("whk_1", "org_a")); !w) return w;
    auto d = INFRASHARE_TRY(tx.InsertWebhookDelivery(MakeDelivery("whk_1", 7, At(5))));
    delivery = d;
    INFRASHARE_TRY(
        tx.AppendOutbox({.at = At(1), .type = "alert.raised", .record_id = "alt_1", .subject = "org_b"}));
    return {};
  }));
  Reopen();
  auto got = ReadValue(store(), [](ReadTx& tx) { return tx.GetAlert(Space::Live(), "alt_1"); });
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->seq, seq);
  EXPECT_EQ(Orgs((*got)->recipients), (std::vector<std::string>{"org_b", "org_a", "org_c"}));
  EXPECT_EQ(WriteValue(store(), [](WriteTx& tx) { return tx.ListDueRecipients(At(100), 10); })->size(), 2u);
  EXPECT_EQ(**ReadValue(store(), [](ReadTx& tx) { return tx.GetWebhook("whk_1"); }),
            MakeWebhook("whk_1", "org_a"));
  auto d = ReadValue(store(), [&](ReadTx& tx) { return sql::Inspect(tx).GetWebhookDelivery(delivery); });
  ASSERT_TRUE(d && *d);
  EXPECT_EQ((*d)->event_seq, 7);
  EXPECT_EQ(ReadValue(store(), [](ReadTx& tx) { return tx.ListOutbox(0, 10); })->at(0).subject, "org_b");
  // Seqs and ids continue after the reopen.
  auto next = Insert(store(), MakeAlert("alt_2", "org_nisc", {}));
  ASSERT_TRUE(next);
  EXPECT_GT(*next, seq);
  auto next_delivery = WriteValue(
      store(), [](WriteTx& tx) { return tx.InsertWebhookDelivery(MakeDelivery("whk_1", 8, At(5))); });
  ASSERT_TRUE(next_delivery);
  EXPECT_GT(*next_delivery, delivery);
}

}  // namespace
}  // namespace infrashare
