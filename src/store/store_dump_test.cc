// The Store contract, part 3: ExportRows and ImportRow (store/dump.h), the
// way an installation moves between backends. Every backend runs these
// unchanged (store_test_suite.h).
#include <map>

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
    if (auto r = tx.InsertToken({"tok_1", "prn_a", std::string(64, 'a'), "ci", At(2), std::nullopt}); !r)
      return r;
    if (auto r = tx.InsertToken({"tok_2", "prn_b", std::string(64, 'b'), "", At(3), At(4)}); !r) return r;
    if (auto r = tx.SetMeta("registry_version", "v1"); !r) return r;
    return tx.SetMeta("another", "値");
  }));
  // A failed write leaves a gap in the report seqs.
  (void)store.Write([](WriteTx& tx) -> Result<void> {
    (void)tx.InsertReport(MakeReport({.id = "rpt_gone"}), {"members"});
    return Conflict("undone");
  });
  ASSERT_TRUE(store.Write([](WriteTx& tx) -> Result<void> {
    std::string prev;
    for (int i = 0; i < 3; ++i) {
      Report r = MakeReport({.id = fmt::format("rpt_{}", i),
                             .title = i == 1 ? "大規模停電が発生" : "Malware",
                             .text = "Café résumé",
                             .created_at = At(10 * i)});
      auto seq = tx.InsertReport(r, i == 2 ? std::vector<std::string>{"org:org_tepco"}
                                           : std::vector<std::string>{"members", "sector:gas"});
      if (!seq) return std::unexpected(seq.error());
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
                   .detail = Json{{"n", i}, {"note", "停電"}},
                   .prev_hash = prev,
                   .hash = fmt::format("h{}", i)};
      prev = e.hash;
      if (auto a = tx.AppendAudit(e); !a) return std::unexpected(a.error());
      if (auto o = tx.AppendOutbox({.at = At(10 * i), .type = "report.created", .record_id = r.id}); !o)
        return std::unexpected(o.error());
    }
    Report changed =
        MakeReport({.id = "rpt_0", .title = "Recovered", .created_at = At(0), .updated_at = At(50)});
    changed.revision = 2;
    return tx.UpdateReport(changed, {"members"});
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
  for (auto t : dump::kTables)
    if (t != "ceptoars") expected_order.emplace_back(t);
  EXPECT_EQ(order, expected_order);
  EXPECT_EQ(Counts(*exported), (std::map<std::string, size_t>{{"audit", 3},
                                                              {"meta", 2},
                                                              {"organizations", 1},
                                                              {"outbox", 3},
                                                              {"principals", 2},
                                                              {"reports", 3},
                                                              {"revisions", 3},
                                                              {"sectors", 2},
                                                              {"sharing_groups", 1},
                                                              {"tokens", 2}}));
  for (const auto& [table, row] : *exported)
    if (table == "reports" && row["doc"]["id"] == "rpt_0") {
      EXPECT_EQ(row["grants"], Json::array({"members"}));
      EXPECT_EQ(row["doc"]["title"], "Recovered");
    }

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
    auto a = ReadValue(store(), [&](ReadTx& tx) { return tx.ListReports(q); });
    auto b = ReadValue(copy, [&](ReadTx& tx) { return tx.ListReports(q); });
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
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return tx.ListReports(text); })->size(), 1u);
  text.text = "cafe";  // rpt_1 (rpt_0's text changed)
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return tx.ListReports(text); })->size(), 1u);
  text.text = "malware";  // rpt_0's title changed; rpt_2 is not granted to members
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return tx.ListReports(text); })->size(), 0u);
  text.grant_keys = {"org:org_tepco"};
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return tx.ListReports(text); })->size(), 1u);
  ReportQuery sector;
  sector.grant_keys = {"sector:gas"};
  sector.sector = "electric_power";
  EXPECT_EQ(ReadValue(copy, [&](ReadTx& tx) { return tx.ListReports(sector); })->size(), 1u);

  auto revoked = ReadValue(copy, [](ReadTx& tx) { return tx.GetToken("tok_2"); });
  ASSERT_TRUE(revoked && *revoked && (*revoked)->revoked_at);
  EXPECT_EQ(*(*revoked)->revoked_at, At(4));
  EXPECT_EQ(*WriteValue(copy, [](WriteTx& tx) { return tx.LastAuditHash(); }), "h2");

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
  auto audit =
      WriteValue(copy, [](WriteTx& tx) { return tx.AppendAudit({.action = "x", .prev_hash = "h2"}); });
  ASSERT_TRUE(audit) << audit.error().message;
  EXPECT_GT(*audit, max_audit);
  auto outbox =
      WriteValue(copy, [](WriteTx& tx) { return tx.AppendOutbox({.type = "x", .record_id = "y"}); });
  ASSERT_TRUE(outbox) << outbox.error().message;
  EXPECT_GT(*outbox, max_outbox);

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

  r = import("tokens", Json{{"id", "tok"},
                            {"principal", "prn_ghost"},
                            {"secret_sha256", "x"},
                            {"label", ""},
                            {"created_at", 1},
                            {"revoked_at", nullptr}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "principal");

  // Nothing of the failed imports is there.
  auto rows = Export(store());
  ASSERT_TRUE(rows);
  EXPECT_TRUE(rows->empty());

  ASSERT_TRUE(import("meta", Json{{"key", "k"}, {"value", "v"}}));
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
