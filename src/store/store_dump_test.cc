// The Store contract, part 3: ExportRows and ImportRow (store/dump.h), the
// way an installation moves between backends. Every backend runs these
// unchanged (store_test_suite.h).
#include <map>

#include "domain/alert/alert_json.h"
#include "domain/report/report_json.h"
#include "store/dump.h"
#include "store/store_test_suite.h"
#include "store/store_test_util.h"

namespace infrashare {
namespace {

using store_test::At;
using store_test::MakeReport;
using store_test::ReadValue;
using store_test::WriteValue;

using Dump = std::vector<std::pair<std::string, Json>>;

Result<Dump> Export(Store& store) {
  Dump rows;
  auto r = store.Read([&](ReadTx& tx) {
    return tx.ExportRows([&](std::string_view table, const Json& row) -> Result<void> {
      rows.emplace_back(std::string(table), row);
      return {};
    });
  });
  if (!r) return std::unexpected(r.error());
  return rows;
}

// Imports in writes of `per_write` rows, as infrashare import does.
Result<void> Import(Store& store, const Dump& rows, size_t per_write = 7) {
  for (size_t start = 0; start < rows.size(); start += per_write) {
    auto w = store.Write([&](WriteTx& tx) -> Result<void> {
      for (size_t i = start; i < std::min(rows.size(), start + per_write); ++i)
        if (auto r = tx.ImportRow(rows[i].first, rows[i].second); !r) return r;
      return {};
    });
    if (!w) return w;
  }
  return {};
}

std::map<std::string, size_t> Counts(const Dump& rows) {
  std::map<std::string, size_t> counts;
  for (const auto& [table, row] : rows) ++counts[table];
  return counts;
}

// A little of everything, with the seqs of reports not starting at 1.
void Fill(Store& store) {
  ASSERT_TRUE(store.Write([](WriteTx& tx) -> Result<void> {
    if (auto r = tx.UpsertSector({"gas", "ガス", "Gas", "org_meti"}); !r) return r;
    if (auto r = tx.UpsertSector({"finance", "金融", "Finance", "org_fsa"}); !r) return r;
    if (auto r = tx.UpsertGroup({"ics_isac", "ICS-ISAC", "ICS-ISAC", true}); !r) return r;
    Organization o;
    o.id = "org_tepco";
    o.kind = OrgKind::kOperator;
    o.name_ja = "東京電力";
    o.name_en = "TEPCO";
    o.sectors = {"electric_power"};
    if (auto r = tx.UpsertOrganization(o); !r) return r;
    for (const char* id : {"prn_b", "prn_a"})
      if (auto r = tx.InsertPrincipal({id, "org_tepco", "山田 太郎", {Role::kReporter, Role::kAdmin}, At(1)});
          !r)
        return r;
    // One disabled, with the language its person chose.
    if (auto r = tx.UpdatePrincipal({.id = "prn_b",
                                     .name = "山田 太郎",
                                     .roles = {Role::kReporter},
                                     .disabled_at = At(6),
                                     .language = "en"});
        !r)
      return r;
    if (auto r = tx.InsertToken({"tok_1", "prn_a", std::string(64, 'a'), "ci", At(2), std::nullopt}); !r)
      return r;
    if (auto r = tx.InsertToken({"tok_2", "prn_b", std::string(64, 'b'), "", At(3), At(4)}); !r) return r;
    INFRASHARE_TRY(
        tx.PutCredential({.principal = "prn_a", .password_hash = "$argon2id$v=19$x", .changed_at = At(5)}));
    INFRASHARE_TRY(tx.PutCredential({.principal = "prn_b",
                                     .setup_code_sha256 = std::string(64, 'c'),
                                     .setup_code_expires_at = At(9),
                                     .changed_at = At(6)}));
    // Sessions are not moved (people sign in again after a move).
    INFRASHARE_TRY(tx.InsertWebSession({.id_sha256 = std::string(64, 'd'),
                                        .principal = "prn_a",
                                        .csrf_token = "t",
                                        .created_at = At(5),
                                        .last_seen_at = At(5),
                                        .expires_at = At(50)}));
    if (auto r = tx.SetMeta("registry_version", "v1"); !r) return r;
    return tx.SetMeta("another", "値");
  }));
  // A failed write leaves a gap in the report seqs.
  (void)store.Write([](WriteTx& tx) -> Result<void> {
    (void)tx.InsertReport(MakeReport({.id = "rpt_gone"}), {"members"});
    return Conflict("undone");
  });
  ASSERT_TRUE(store.Write([](WriteTx& tx) -> Result<void> {
    for (int i = 0; i < 3; ++i) {
      Report r = MakeReport({.id = fmt::format("rpt_{}", i),
                             .title = i == 1 ? "大規模停電が発生" : "Malware",
                             .text = "Café résumé",
                             .created_at = At(10 * i)});
      INFRASHARE_TRY(tx.InsertReport(r, i == 2 ? std::vector<std::string>{"org:org_tepco"}
                                               : std::vector<std::string>{"members", "sector:gas"}));
      Revision v{.report_id = r.id,
                 .number = 1,
                 .content = r.content,
                 .author_principal = "prn_a",
                 .author_org = "org_tepco",
                 .note = "submitted",
                 .at = At(10 * i)};
      if (auto w = tx.InsertRevision(v); !w) return w;
      AuditEvent e{.at = At(10 * i),
                   .actor_principal = "prn_a",
                   .actor_org = "org_tepco",
                   .action = "report.submit",
                   .target_kind = "report",
                   .target_id = r.id,
                   .detail = Json{{"n", i}, {"note", "停電"}}};
      if (auto a = tx.AppendAudit(e); !a) return a;
      if (auto o = tx.AppendOutbox({.at = At(10 * i), .type = "report.created", .record_id = r.id}); !o)
        return o;
    }
    Report changed =
        MakeReport({.id = "rpt_0", .title = "Recovered", .created_at = At(0), .updated_at = At(50)});
    changed.revision = 2;
    return tx.UpdateReport(changed, {"members"});
  }));
  // A failed write leaves a gap in the alert seqs and delivery ids too.
  (void)store.Write([](WriteTx& tx) -> Result<void> {
    (void)tx.InsertAlert(Alert{.id = "alt_gone", .created_at = At(0)});
    (void)tx.InsertWebhook(
        Webhook{.id = "whk_gone", .organization = "org_tepco", .url = "https://x", .created_at = At(0)});
    (void)tx.InsertWebhookDelivery(
        WebhookDelivery{.webhook_id = "whk_gone", .event_seq = 1, .created_at = At(0)});
    return Conflict("undone");
  });
  ASSERT_TRUE(store.Write([](WriteTx& tx) -> Result<void> {
    // Recipients out of id order, one added later, one without a deadline.
    AlertRecipient meti{
        .organization = "org_meti", .contacts = {"当直"}, .deadline = At(900), .queued_at = At(60)};
    AlertRecipient fepc{.organization = "org_fepc", .must_acknowledge = false, .queued_at = At(60)};
    Alert alert{.id = "alt_1",
                .kind = AlertKind::kResponse,
                .report_id = "rpt_1",
                .level = 4,
                .title = "大規模停電",
                .created_at = At(60),
                .recipients = {meti, fepc}};
    INFRASHARE_TRY(tx.InsertAlert(alert));
    AlertRecipient nisc{.organization = "org_nisc",
                        .reason = RecipientReason::kCoordinationCenter,
                        .escalated_from = "org_meti",
                        .deadline = At(1800),
                        .queued_at = At(900),
                        .channels = {{"webhook:whk_1", DeliveryState::kFailed, At(901), 3, "HTTP 500"}}};
    if (auto u = tx.UpsertAlertRecipient("alt_1", nisc); !u) return u;
    if (auto a =
            tx.InsertAlert(Alert{.id = "alt_0", .space = *Space::Exercise("exr_1"), .created_at = At(70)});
        !a)
      return std::unexpected(a.error());
    if (auto w = tx.InsertWebhook(Webhook{.id = "whk_1",
                                          .organization = "org_tepco",
                                          .url = "https://soc.example.jp/hook",
                                          .secret = "s3cret",
                                          .created_at = At(61)});
        !w)
      return w;
    for (int64_t event = 3; event >= 1; --event) {
      INFRASHARE_TRY(tx.InsertWebhookDelivery(WebhookDelivery{.webhook_id = "whk_1",
                                                              .event_seq = event,
                                                              .event_type = "alert.raised",
                                                              .body = "{}",
                                                              .created_at = At(62),
                                                              .next_attempt_at = At(62 + event)}));
    }
    auto o =
        tx.AppendOutbox({.at = At(60), .type = "alert.raised", .record_id = "alt_1", .subject = "org_meti"});
    if (!o) return std::unexpected(o.error());
    return {};
  }));
}

TEST_P(StoreTest, ExportImportKeepsEveryRow) {
  Fill(store());
  auto exported = Export(store());
  ASSERT_TRUE(exported) << exported.error().message;
  // Tables in dump order, with what Fill wrote.
  std::vector<std::string> order;
  for (const auto& [table, row] : *exported)
    if (order.empty() || order.back() != table) order.push_back(table);
  std::vector<std::string> expected_order;
  for (const auto& dumped : dump::Tables())
    if (dumped.name != "ceptoars") expected_order.emplace_back(dumped.name);
  EXPECT_EQ(order, expected_order);
  EXPECT_EQ(Counts(*exported), (std::map<std::string, size_t>{{"alert_recipients", 3},
                                                              {"alerts", 2},
                                                              {"audit", 3},
                                                              {"credentials", 2},
                                                              // Fill's two and credentials.version
                                                              // (UpdatePrincipal counts it up).
                                                              {"meta", 3},
                                                              {"organizations", 1},
                                                              {"outbox", 4},
                                                              {"principals", 2},
                                                              {"reports", 3},
                                                              {"revisions", 3},
                                                              {"sectors", 2},
                                                              {"sharing_groups", 1},
                                                              {"tokens", 2},
                                                              {"webhook_deliveries", 3},
                                                              {"webhooks", 1}}));
  for (const auto& [table, row] : *exported)
    if (table == "reports" && row["doc"]["id"] == "rpt_0") {
      EXPECT_EQ(row["grants"], Json::array({"members"}));
      EXPECT_EQ(row["doc"]["title"], "Recovered");
    }

  std::vector<std::pair<int64_t, std::string>> recipient_rows;
  for (const auto& [table, row] : *exported) {
    if (table == "alert_recipients")
      recipient_rows.emplace_back(row["ord"].get<int64_t>(), row["doc"]["organization"].get<std::string>());
    if (table == "outbox" && row["type"] == "alert.raised") {
      EXPECT_EQ(row["subject"], "org_meti");
    }
    if (table == "alerts") {
      EXPECT_FALSE(row["doc"].contains("recipients"));
    }
    if (table == "webhooks") {
      EXPECT_EQ(row["doc"]["secret"], "s3cret");
    }
  }
  EXPECT_EQ(recipient_rows, (std::vector<std::pair<int64_t, std::string>>{
                                {0, "org_meti"}, {1, "org_fepc"}, {2, "org_nisc"}}));

  auto other_harness = GetParam().make();
  auto other = other_harness->Open();
  ASSERT_TRUE(other && *other) << (other ? "" : other.error().message);
  auto imported = Import(**other, *exported);
  ASSERT_TRUE(imported) << imported.error().field << ": " << imported.error().message;
  auto again = Export(**other);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *exported);

  // The imported database works like the original: same seqs, indexes
  // rebuilt, counters past the imported rows.
  Store& copy = **other;
  for (const auto& keys : {std::vector<std::string>{"members"}, std::vector<std::string>{"org:org_tepco"}}) {
    ReportQuery q;
    q.grant_keys = keys;
    auto a = ReadValue(store(), [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(q); });
    auto b = ReadValue(copy, [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(q); });
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->size(), b->size());
    for (size_t i = 0; i < a->size(); ++i) {
      EXPECT_EQ((*a)[i].id, (*b)[i].id);
      EXPECT_EQ((*a)[i].seq, (*b)[i].seq);
    }
  }
  ReportQuery text;
  text.grant_keys = {"members"};
  text.text = "停電";
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(text); })->size(), 1u);
  text.text = "cafe";  // rpt_1 (rpt_0's text changed)
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(text); })->size(), 1u);
  text.text = "malware";  // rpt_0's title changed; rpt_2 is not granted to members
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(text); })->size(), 0u);
  text.grant_keys = {"org:org_tepco"};
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(text); })->size(), 1u);
  ReportQuery sector;
  sector.grant_keys = {"sector:gas"};
  sector.sector = "electric_power";
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(sector); })->size(), 1u);

  auto revoked = ReadValue(copy, [](ReadTx& tx) { return tx.GetToken("tok_2"); });
  ASSERT_TRUE(revoked && *revoked && (*revoked)->revoked_at);
  EXPECT_EQ(*(*revoked)->revoked_at, At(4));
  // The chain as stored: the copy's head is the source's.
  const std::string head = *WriteValue(store(), [](WriteTx& tx) { return tx.LastAuditHash(); });
  EXPECT_EQ(head.size(), 64u);
  EXPECT_EQ(*WriteValue(copy, [](WriteTx& tx) { return tx.LastAuditHash(); }), head);

  int64_t max_report = 0, max_audit = 0, max_outbox = 0;
  for (const auto& [table, row] : *exported) {
    if (table == "reports") max_report = std::max(max_report, row["seq"].get<int64_t>());
    if (table == "audit") max_audit = std::max(max_audit, row["seq"].get<int64_t>());
    if (table == "outbox") max_outbox = std::max(max_outbox, row["seq"].get<int64_t>());
  }
  auto next =
      WriteValue(copy, [](WriteTx& tx) { return tx.InsertReport(MakeReport({.id = "rpt_new"}), {}); });
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_GT(*next, max_report);
  auto appended = copy.Write([](WriteTx& tx) -> Result<void> {
    if (auto a = tx.AppendAudit({.action = "x"}); !a) return a;
    return tx.AppendOutbox({.type = "x", .record_id = "y"});
  });
  ASSERT_TRUE(appended) << appended.error().message;
  auto audit = ReadValue(copy, [](ReadTx& tx) { return tx.ListAudit(0, 100); });
  ASSERT_TRUE(audit && !audit->empty());
  EXPECT_GT(audit->back().seq, max_audit);
  EXPECT_EQ(audit->back().prev_hash, head);  // linked to the imported chain
  auto outbox = ReadValue(copy, [](ReadTx& tx) { return tx.ListOutbox(0, 100); });
  ASSERT_TRUE(outbox && !outbox->empty());
  EXPECT_GT(outbox->back().seq, max_outbox);

  // Alerts, recipients and deliveries work as before, with their counters
  // past the imported rows.
  auto alert = ReadValue(copy, [](ReadTx& tx) { return tx.GetAlert(Space::Live(), "alt_1"); });
  auto original = ReadValue(store(), [](ReadTx& tx) { return tx.GetAlert(Space::Live(), "alt_1"); });
  ASSERT_TRUE(alert && *alert && original && *original);
  EXPECT_EQ(**alert, **original);
  auto due = WriteValue(copy, [](WriteTx& tx) { return tx.ListDueRecipients(At(10000), 10); });
  ASSERT_TRUE(due);
  EXPECT_EQ(due->size(), 2u);
  auto due_deliveries =
      WriteValue(copy, [](WriteTx& tx) { return tx.ListDueWebhookDeliveries(At(10000), 10, {}); });
  ASSERT_TRUE(due_deliveries);
  EXPECT_EQ(due_deliveries->size(), 3u);
  int64_t max_alert = 0, max_delivery = 0;
  for (const auto& [table, row] : *exported) {
    if (table == "alerts") max_alert = std::max(max_alert, row["seq"].get<int64_t>());
    if (table == "webhook_deliveries") max_delivery = std::max(max_delivery, row["id"].get<int64_t>());
  }
  auto next_alert = WriteValue(copy, [](WriteTx& tx) { return tx.InsertAlert(Alert{.id = "alt_new"}); });
  ASSERT_TRUE(next_alert) << next_alert.error().message;
  EXPECT_GT(*next_alert, max_alert);
  auto duplicate = WriteValue(copy, [](WriteTx& tx) {
    return tx.InsertWebhookDelivery(WebhookDelivery{.webhook_id = "whk_1", .event_seq = 2});
  });
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(*duplicate, 0);
  auto next_delivery = WriteValue(copy, [](WriteTx& tx) {
    return tx.InsertWebhookDelivery(WebhookDelivery{.webhook_id = "whk_1", .event_seq = 4});
  });
  ASSERT_TRUE(next_delivery) << next_delivery.error().message;
  EXPECT_GT(*next_delivery, max_delivery);

  // Importing the same rows again: the first one is already there.
  auto twice = Import(copy, *exported);
  ASSERT_FALSE(twice);
}

TEST_P(StoreTest, ImportRejectsBadRowsNamingTheField) {
  auto import = [&](std::string_view table, const Json& row) {
    return store().Write([&](WriteTx& tx) { return tx.ImportRow(table, row); });
  };
  auto r = import("nope", Json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "unknown table 'nope'");

  r = import("reports", Json{{"seq", "seven"}, {"grants", Json::array()}, {"doc", Json::object()}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "reports.seq");

  r = import("reports", Json{{"seq", 5}, {"grants", Json::array()}, {"doc", Json{{"id", "rpt_x"}}}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "reports.doc");

  r = import("meta", Json{{"key", "k"}, {"value", "v"}, {"extra", 1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);

  r = import("principals", Json{{"id", "prn_a"},
                                {"organization", "org_x"},
                                {"name", "A"},
                                {"roles", Json::array({"overlord"})},
                                {"created_at", 1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "principals.roles");
  const Json principal{
      {"id", "prn_z"}, {"organization", "org_x"}, {"name", "Z"}, {"roles", {"reporter"}}, {"created_at", 1}};
  for (const auto& [key, value] :
       {std::pair{"language", Json("fr")}, std::pair{"disabled_at", Json("soon")}}) {
    Json bad = principal;
    bad[key] = value;
    r = import("principals", bad);
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().field, std::string("principals.") + key);
  }

  r = import("tokens", Json{{"id", "tok"},
                            {"principal", "prn_ghost"},
                            {"secret_sha256", "x"},
                            {"label", ""},
                            {"created_at", 1},
                            {"revoked_at", nullptr}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "principal");

  const Json credential{{"principal", "prn_ghost"},
                        {"password_hash", nullptr},
                        {"setup_code_sha256", std::string(64, 'c')},
                        {"setup_code_expires_at", nullptr},
                        {"changed_at", 1}};
  r = import("credentials", credential);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "credentials.setup_code_expires_at") << "a code never expiring";
  Json without = credential;
  without.erase("setup_code_expires_at");
  r = import("credentials", without);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "credentials.setup_code_expires_at");
  Json ghost = credential;
  ghost["setup_code_expires_at"] = 5;
  r = import("credentials", ghost);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound) << "the principal must be there";

  r = import("alert_recipients", Json{{"alert_id", "alt_ghost"},
                                      {"ord", 0},
                                      {"doc", RecipientToJson(AlertRecipient{.organization = "org_a"})}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, "alert 'alt_ghost' not found");

  r = import("alerts", Json{{"seq", 3}, {"doc", AlertToJson(Alert{.id = "alt_1", .recipients = {{}}})}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "alerts.doc");

  r = import("webhook_deliveries", Json{{"id", 0}, {"doc", Json::object()}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "webhook_deliveries.id");

  r = import("outbox", Json{{"seq", 1},
                            {"at", 1},
                            {"space", Space::Live().id()},
                            {"type", "t"},
                            {"record_id", "r"},
                            {"subject", 5}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "outbox.subject");

  // Nothing of the failed imports is there.
  auto rows = Export(store());
  ASSERT_TRUE(rows);
  EXPECT_TRUE(rows->empty());

  ASSERT_TRUE(import("meta", Json{{"key", "k"}, {"value", "v"}}));
  // An outbox row from before schema 2 has no subject.
  ASSERT_TRUE(
      import("outbox",
             Json{{"seq", 4}, {"at", 1}, {"space", Space::Live().id()}, {"type", "t"}, {"record_id", "r"}}));
  EXPECT_EQ(ReadValue(store(), [](ReadTx& tx) { return tx.ListOutbox(0, 10); })->at(0).subject, "");
  EXPECT_EQ(**ReadValue(store(), [](ReadTx& tx) { return tx.GetMeta("k"); }), "v");
}

TEST_P(StoreTest, ExportStopsAtTheSinksError) {
  Fill(store());
  int seen = 0;
  auto r = store().Read([&](ReadTx& tx) {
    return tx.ExportRows([&](std::string_view, const Json&) -> Result<void> {
      if (++seen == 4) return Unavailable("disk full");
      return {};
    });
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "disk full");
  EXPECT_EQ(seen, 4);
}

}  // namespace
}  // namespace infrashare
