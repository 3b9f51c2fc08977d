// The Store contract, part 2: reports, revisions and the report lists (every
// filter, grant keys, cursor pages, text search). Every backend runs these
// unchanged (store_test_suite.h).
#include <algorithm>
#include <random>
#include <set>

#include "domain/report/report_json.h"
#include "domain/sharing/visibility.h"
#include "store/search_match.h"
#include "store/store_test_suite.h"
#include "store/store_test_util.h"
#include "store/stored_document.h"

namespace infrashare {
namespace {

using store_test::At;
using store_test::MakeReport;
using store_test::ReadValue;
using store_test::ReportSpec;
using store_test::WriteValue;

Result<int64_t> Insert(Store& store, const Report& report, std::vector<std::string> grants) {
  return WriteValue(store, [&](WriteTx& tx) { return tx.InsertReport(report, grants); });
}

Result<std::vector<Report>> List(Store& store, const ReportQuery& q) {
  return ReadValue(store, [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(q); });
}

std::vector<std::string> Ids(const std::vector<Report>& reports) {
  std::vector<std::string> ids;
  for (const auto& r : reports) ids.push_back(r.id);
  return ids;
}

TEST_P(StoreTest, ReportInsertGetUpdateAndRevisions) {
  Report r =
      MakeReport({.id = "rpt_1", .kind = ReportKind::kServiceOutage, .title = "停電", .text = "Substation"});
  auto seq = Insert(store(), r, {"org:org_operator", "members"});
  ASSERT_TRUE(seq) << seq.error().message;
  EXPECT_GT(*seq, 0);

  auto got = ReadValue(store(), [](ReadTx& tx) { return tx.GetReport(Space::Live(), "rpt_1"); });
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->seq, *seq);
  EXPECT_EQ(ToJson(**got), ToJson(r));
  // Another space does not see it.
  EXPECT_FALSE(ReadValue(store(), [](ReadTx& tx) {
                 return tx.GetReport(*Space::Exercise("exr_1"), "rpt_1");
               })->has_value());

  Revision v1{.report_id = "rpt_1",
              .number = 1,
              .content = r.content,
              .author_principal = "prn_reporter",
              .author_org = "org_operator",
              .note = "submitted",
              .at = At(0)};
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return tx.InsertRevision(v1); }));

  Report changed = r;
  changed.revision = 2;
  changed.content.title = "復旧";
  changed.content.tlp = Tlp::kAmber;
  changed.content.sectors = {"gas"};
  changed.updated_at = At(60);
  Revision v2 = v1;
  v2.number = 2;
  v2.content = changed.content;
  v2.note = "recovered";
  v2.at = At(60);
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    if (auto u = tx.UpdateReport(changed, {"members"}); !u) return u;
    return tx.InsertRevision(v2);
  }));
  got = ReadValue(store(), [](ReadTx& tx) { return tx.GetReport(Space::Live(), "rpt_1"); });
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->seq, *seq);  // an update keeps the report's place
  EXPECT_EQ(ToJson(**got), ToJson(changed));

  auto revisions = ReadValue(store(), [](ReadTx& tx) { return tx.ListRevisions("rpt_1"); });
  ASSERT_TRUE(revisions);
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ(ToJson((*revisions)[0]), ToJson(v1));
  EXPECT_EQ(ToJson((*revisions)[1]), ToJson(v2));

  auto dup = store().Write([&](WriteTx& tx) { return tx.InsertRevision(v2); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  Report ghost = MakeReport({.id = "rpt_ghost"});
  auto missing = store().Write([&](WriteTx& tx) { return tx.UpdateReport(ghost, {"members"}); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "report 'rpt_ghost' not found");
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }), 1);

  // The update replaced grants, sectors and text in the list indexes.
  ReportQuery q;
  q.grant_keys = {"org:org_operator"};
  EXPECT_TRUE(List(store(), q)->empty());
  q.grant_keys = {"members"};
  q.text = "停電";
  EXPECT_TRUE(List(store(), q)->empty());
  q.text = "復旧";
  EXPECT_EQ(List(store(), q)->size(), 1u);
  q.text.reset();
  q.sector = "electric_power";
  EXPECT_TRUE(List(store(), q)->empty());
  q.sector = "gas";
  EXPECT_EQ(List(store(), q)->size(), 1u);
}

// SearchMatches (the in-memory judge a reader uses on the text it shows)
// and the index agree, word for word.
TEST_P(StoreTest, SearchMatchesAgreesWithTheIndex) {
  const std::vector<std::pair<std::string, std::string>> texts{{"大規模停電", "Substation fault"},
                                                               {"停電の予兆", "Kanto Power grid"},
                                                               {"Relay trip", "制御システムの異常"},
                                                               {"電", "x"},
                                                               {"malware", "HMI malware at night"},
                                                               {"Near miss", "[anonymized] staff"},
                                                               {"ＫＡＮＴＯ", "power"},
                                                               {"O'Brien's notes", "e-mail: a@b.jp"}};
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    for (size_t i = 0; i < texts.size(); ++i)
      INFRASHARE_TRY(tx.InsertReport(
          MakeReport({.id = "rpt_" + std::to_string(i), .title = texts[i].first, .text = texts[i].second}),
          {"members"}));
    return {};
  }));
  for (const char* words : {"停電", "大規模", "電", "kanto", "KANTO power", "malware night", "anonymized",
                            "制御", "trip relay", "O'Brien", "a@b.jp", "€", "power grid", "grid power"}) {
    ReportQuery q;
    q.grant_keys = {"members"};
    q.text = words;
    auto listed = List(store(), q);
    ASSERT_TRUE(listed) << listed.error().message;
    std::set<std::string> indexed;
    for (const auto& r : *listed) indexed.insert(r.id);
    std::set<std::string> judged;
    for (size_t i = 0; i < texts.size(); ++i) {
      auto m = SearchMatches(words, texts[i].first, texts[i].second);
      ASSERT_TRUE(m) << m.error().message;
      if (*m) judged.insert("rpt_" + std::to_string(i));
    }
    EXPECT_EQ(indexed, judged) << words;
  }
}

TEST_P(StoreTest, SeveralUpdatesInOneWriteLeaveTheLastText) {
  Report r = MakeReport({.id = "rpt_1", .title = "first", .text = "停電"});
  ASSERT_TRUE(Insert(store(), r, {"members"}));
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    for (const char* title : {"second", "third", "fourth"}) {
      r.content.title = title;
      r.content.text = std::string(title) + " 復旧";
      if (auto u = tx.UpdateReport(r, {"members"}); !u) return u;
    }
    return {};
  }));
  auto search = [&](const char* text) {
    ReportQuery q;
    q.grant_keys = {"members"};
    q.text = text;
    return List(store(), q)->size();
  };
  for (const char* gone : {"first", "second", "third", "停電"}) EXPECT_EQ(search(gone), 0u) << gone;
  EXPECT_EQ(search("fourth"), 1u);
  EXPECT_EQ(search("復旧"), 1u);
}

TEST_P(StoreTest, DuplicateReportIdIsConflictAndUndoesTheWrite) {
  ASSERT_TRUE(Insert(store(), MakeReport({.id = "rpt_1"}), {"members"}));
  auto r = store().Write([](WriteTx& tx) -> Result<void> {
    if (auto m = tx.SetMeta("before", "x"); !m) return m;
    INFRASHARE_TRY(tx.InsertReport(MakeReport({.id = "rpt_1", .title = "again"}), {"members"}));
    return {};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().message, "report 'rpt_1' already exists");
  EXPECT_EQ(r.error().field, "id");
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.GetMeta("before"); }), std::nullopt);
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }), 1);
  EXPECT_EQ(
      (*ReadValue(store(), [](ReadTx& tx) { return tx.GetReport(Space::Live(), "rpt_1"); }))->content.title,
      "title");
}

TEST_P(StoreTest, ListReportsOnlyForCallersHoldingAGrantKey) {
  ASSERT_TRUE(Insert(store(), MakeReport({.id = "rpt_members"}), {"members", "org:org_a"}));
  ASSERT_TRUE(Insert(store(), MakeReport({.id = "rpt_sector"}), {"sector:gas", "org:org_a"}));
  ASSERT_TRUE(Insert(store(), MakeReport({.id = "rpt_red"}), {"org:org_b"}));
  ASSERT_TRUE(Insert(store(), MakeReport({.id = "rpt_public"}), {"public", "members"}));
  auto ids_for = [&](std::vector<std::string> keys) {
    ReportQuery q;
    q.grant_keys = std::move(keys);
    auto listed = List(store(), q);
    EXPECT_TRUE(listed) << listed.error().message;
    return listed ? Ids(*listed) : std::vector<std::string>{};
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids_for({"public"}), (V{"rpt_public"}));
  EXPECT_EQ(ids_for({"members", "public"}), (V{"rpt_public", "rpt_members"}));
  EXPECT_EQ(ids_for({"members", "public", "sector:gas"}), (V{"rpt_public", "rpt_sector", "rpt_members"}));
  EXPECT_EQ(ids_for({"org:org_b"}), (V{"rpt_red"}));
  EXPECT_EQ(ids_for({"org:org_a", "members", "org:org_a"}), (V{"rpt_public", "rpt_sector", "rpt_members"}));
  EXPECT_EQ(ids_for({"org:org_c"}), V{});
  EXPECT_EQ(ids_for({}), V{});  // no keys reach nothing
}

TEST_P(StoreTest, ListReportsRejectsBadLimit) {
  ReportQuery q;
  q.grant_keys = {"members"};
  q.limit = 0;
  auto r = List(store(), q);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "limit");
}

TEST_P(StoreTest, ListReportTextsAreTheStoredDocumentsOfTheListedPage) {
  Report plain = MakeReport({.id = "rpt_plain", .tlp = Tlp::kClear});
  plain.content.audience.everyone = true;
  plain.released = true;
  Report relayed = MakeReport({.id = "rpt_relayed", .route = Route::kViaCeptoar, .tlp = Tlp::kAmber});
  relayed.anonymized = true;
  relayed.relay_org = "isac";
  relayed.content.audience.sectors = {"gas"};
  relayed.deliveries = {{"isac", DeliveryRole::kRelay, At(1)},
                        {"nisc", DeliveryRole::kCoordinationCenter, At(2)}};
  Report held = MakeReport({.id = "rpt_held", .route = Route::kViaCeptoar, .tlp = Tlp::kRed});
  held.content.audience.organizations = {"org_b"};
  for (const Report* r : {&plain, &relayed, &held}) ASSERT_TRUE(Insert(store(), *r, {"members"}));
  ReportQuery q;
  q.grant_keys = {"members"};
  auto reports = List(store(), q);
  auto texts = ReadValue(store(), [&](ReadTx& tx) { return tx.ListReportTexts(q); });
  ASSERT_TRUE(reports && texts);
  ASSERT_EQ(texts->size(), 3u);
  ASSERT_EQ(reports->size(), 3u);
  for (size_t i = 0; i < texts->size(); ++i) {
    const Report& report = (*reports)[i];
    const ReportRowText& row = (*texts)[i];
    EXPECT_EQ(row.seq, report.seq);
    EXPECT_EQ(row.doc, stored::ReportDocument(report));
    // What the sharing rule reads, parsed alone, is what the whole decode gives.
    auto sharing = stored::ReportSharingFromStored(row.seq, row.doc);
    ASSERT_TRUE(sharing) << sharing.error().message;
    EXPECT_EQ(sharing->submitter_org, report.submitter_org);
    EXPECT_EQ(sharing->relay_org, report.relay_org);
    EXPECT_EQ(sharing->anonymized, report.anonymized);
    EXPECT_EQ(sharing->released, report.released);
    EXPECT_EQ(sharing->content.tlp, report.content.tlp);
    EXPECT_EQ(ToJson(sharing->content.audience), ToJson(report.content.audience));
    ASSERT_EQ(sharing->deliveries.size(), report.deliveries.size());
    for (size_t d = 0; d < report.deliveries.size(); ++d)
      EXPECT_EQ(ToJson(sharing->deliveries[d]), ToJson(report.deliveries[d]));
    EXPECT_EQ(GrantKeys(*sharing), GrantKeys(report));
    EXPECT_TRUE(sharing->content.title.empty());  // the rest was not decoded
    EXPECT_TRUE(sharing->content.indicators.empty());
  }
  EXPECT_EQ((*texts)[1].doc.find("\"anonymized\":true") != std::string::npos, true);

  auto damaged = stored::ReportSharingFromStored(7, R"({"tlp":"green","deliveries":[{"role":"nope"}]})");
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().code, ErrorCode::kInternal);
  EXPECT_FALSE(stored::ReportSharingFromStored(8, "{not json"));
}

// A generated history of reports; every query is checked against a plain
// C++ evaluation of the same filters.
class ReportWorld {
 public:
  struct Row {
    Report report;
    std::vector<std::string> grants;
  };

  static constexpr std::array kSectors{"electric_power", "gas", "finance", "water", "railway"};
  static constexpr std::array kKeys{"members",    "public",         "org:org_a",      "org:org_b",
                                    "sector:gas", "sector:finance", "ceptoar:c_elec", "group:isac"};
  static constexpr std::array kWords{"outage", "malware", "phishing", "ransomware",
                                     "scada",  "ddos",    "or",       "near"};
  static constexpr std::array kJapanese{"大規模停電が発生", "停電",     "標的型攻撃",
                                        "復旧手順",         "電力需給", "障害"};

  explicit ReportWorld(uint32_t seed) : rng_(seed) {}

  Row Next(int i) {
    ReportSpec s;
    s.id = fmt::format("rpt_{:05}", i);
    s.space = Pick(10) == 0 ? *Space::Exercise("exr_1") : Space::Live();
    s.kind = kReportKindNames[Pick(kReportKindNames.size())].value;
    s.sectors = {kSectors[Pick(kSectors.size())]};
    if (Pick(3) == 0) s.sectors.push_back(kSectors[Pick(kSectors.size())]);
    s.route = kRouteNames[Pick(kRouteNames.size())].value;
    s.tlp = kTlpNames[Pick(kTlpNames.size())].value;
    s.title = Words(2);
    s.text = Words(5);
    // Mostly in seq order, with some reports arriving late or early.
    s.created_at = At(i * 10 + static_cast<int64_t>(Pick(61)) - 30);
    Row row{MakeReport(s), {}};
    if (Pick(10) < 8) row.grants.push_back("members");
    for (size_t k = 1; k < kKeys.size(); ++k)
      if (Pick(6) == 0) row.grants.push_back(kKeys[k]);
    return row;
  }

  std::string Words(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      if (i) out += ' ';
      out += Pick(4) == 0 ? kJapanese[Pick(kJapanese.size())] : kWords[Pick(kWords.size())];
    }
    return out;
  }

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

bool HasWord(const std::string& haystack, const std::string& word) {
  if (static_cast<unsigned char>(word[0]) >= 0x80)
    return haystack.find(word) != std::string::npos;  // CJK: substring
  size_t start = 0;
  while (start <= haystack.size()) {
    size_t end = haystack.find(' ', start);
    if (end == std::string::npos) end = haystack.size();
    if (haystack.substr(start, end - start) == word) return true;
    start = end + 1;
  }
  return false;
}

std::vector<std::string> Expected(const std::vector<ReportWorld::Row>& rows, const std::vector<int64_t>& seqs,
                                  const ReportQuery& q, const std::vector<std::string>& text_words) {
  std::vector<std::pair<int64_t, std::string>> hits;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Report& r = rows[i].report;
    const int64_t seq = seqs[i];
    if (r.space != q.space) continue;
    if (q.before_seq && seq >= *q.before_seq) continue;
    if (q.kind && r.content.kind != *q.kind) continue;
    if (q.route && r.route != *q.route) continue;
    if (q.tlp && r.content.tlp != *q.tlp) continue;
    if (q.sector &&
        std::find(r.content.sectors.begin(), r.content.sectors.end(), *q.sector) == r.content.sectors.end())
      continue;
    if (q.created_from && r.created_at < *q.created_from) continue;
    if (q.created_to && r.created_at >= *q.created_to) continue;
    if (q.updated_since && r.updated_at < *q.updated_since) continue;
    bool granted = false;
    for (const auto& k : q.grant_keys)
      granted = granted || std::find(rows[i].grants.begin(), rows[i].grants.end(), k) != rows[i].grants.end();
    if (!granted) continue;
    bool words = true;
    for (const auto& w : text_words)
      words = words && (HasWord(r.content.title, w) || HasWord(r.content.text, w));
    if (!words) continue;
    hits.emplace_back(seq, r.id);
  }
  std::sort(hits.begin(), hits.end(), std::greater<>());
  std::vector<std::string> ids;
  for (size_t i = 0; i < hits.size() && i < size_t(q.limit); ++i) ids.push_back(hits[i].second);
  return ids;
}

// Thousands of reports (enough for every plan: small and large time windows,
// several seq windows, exercise space), then hundreds of random queries.
TEST_P(StoreTest, ListReportsMatchesEveryFilterCombination) {
  constexpr int kReports = 6000;
  ReportWorld world(20261125);
  std::vector<ReportWorld::Row> rows;
  std::vector<int64_t> seqs;
  for (int i = 0; i < kReports; ++i) rows.push_back(world.Next(i));
  for (int start = 0; start < kReports; start += 500) {
    ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
      for (int i = start; i < start + 500; ++i) {
        auto seq = INFRASHARE_TRY(tx.InsertReport(rows[i].report, rows[i].grants));
        seqs.push_back(seq);
      }
      return {};
    }));
  }
  // Some reports change later: new title, sectors, grants and updated_at.
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    for (int i = 0; i < kReports; i += 37) {
      Report& r = rows[i].report;
      r.revision = 2;
      r.content.title = world.Words(2);
      r.content.sectors = {ReportWorld::kSectors[world.Pick(ReportWorld::kSectors.size())]};
      r.updated_at = At(kReports * 10 + i);
      rows[i].grants = {ReportWorld::kKeys[world.Pick(ReportWorld::kKeys.size())]};
      if (auto u = tx.UpdateReport(r, rows[i].grants); !u) return u;
    }
    return {};
  }));

  for (int n = 0; n < 400; ++n) {
    ReportQuery q;
    q.space = world.Pick(8) == 0 ? *Space::Exercise("exr_1") : Space::Live();
    const size_t nkeys = 1 + world.Pick(3);
    for (size_t k = 0; k < nkeys; ++k)
      q.grant_keys.push_back(ReportWorld::kKeys[world.Pick(ReportWorld::kKeys.size())]);
    if (world.Pick(4) == 0) q.kind = kReportKindNames[world.Pick(kReportKindNames.size())].value;
    if (world.Pick(4) == 0) q.sector = ReportWorld::kSectors[world.Pick(ReportWorld::kSectors.size())];
    if (world.Pick(5) == 0) q.route = kRouteNames[world.Pick(kRouteNames.size())].value;
    if (world.Pick(5) == 0) q.tlp = kTlpNames[world.Pick(kTlpNames.size())].value;
    if (world.Pick(5) == 0) q.created_from = At(static_cast<int64_t>(world.Pick(kReports)) * 10);
    if (world.Pick(5) == 0) q.created_to = At(static_cast<int64_t>(world.Pick(kReports)) * 10);
    if (world.Pick(6) == 0) q.updated_since = At(static_cast<int64_t>(world.Pick(kReports)) * 11);
    if (world.Pick(6) == 0) q.before_seq = seqs[world.Pick(seqs.size())];
    std::vector<std::string> words;
    if (world.Pick(4) == 0) {
      words.push_back(world.Pick(2) ? ReportWorld::kWords[world.Pick(ReportWorld::kWords.size())]
                                    : ReportWorld::kJapanese[world.Pick(ReportWorld::kJapanese.size())]);
      if (world.Pick(3) == 0) words.push_back(ReportWorld::kWords[world.Pick(ReportWorld::kWords.size())]);
      q.text = fmt::format("{}", fmt::join(words, " "));
    }
    q.limit = std::array{1, 7, 50, 200}[world.Pick(4)];
    auto listed = List(store(), q);
    ASSERT_TRUE(listed) << listed.error().message;
    ASSERT_EQ(Ids(*listed), Expected(rows, seqs, q, words)) << "query " << n;
    for (const auto& r : *listed) ASSERT_GT(r.seq, 0);
  }
}

// Pages follow each other without duplicates or gaps, also with filters.
TEST_P(StoreTest, CursorPagesCoverEverythingOnce) {
  ReportWorld world(7);
  std::vector<ReportWorld::Row> rows;
  std::vector<int64_t> seqs;
  for (int i = 0; i < 1500; ++i) rows.push_back(world.Next(i));
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    for (auto& row : rows) {
      auto seq = INFRASHARE_TRY(tx.InsertReport(row.report, row.grants));
      seqs.push_back(seq);
    }
    return {};
  }));
  for (int variant = 0; variant < 4; ++variant) {
    ReportQuery q;
    q.grant_keys = {"members", "org:org_a", "sector:gas"};
    if (variant == 1) q.sector = "gas";
    if (variant == 2) q.text = "停電";
    if (variant == 3) q.grant_keys = {"group:isac"};
    q.limit = 13;
    ReportQuery all = q;
    all.limit = 1'000'000;  // only for Expected(): everything
    const auto expected = Expected(
        rows, seqs, all, variant == 2 ? std::vector<std::string>{"停電"} : std::vector<std::string>{});
    std::vector<std::string> paged;
    for (int page = 0; page < 1000; ++page) {
      auto listed = List(store(), q);
      ASSERT_TRUE(listed) << listed.error().message;
      for (const auto& r : *listed) paged.push_back(r.id);
      if (listed->size() < size_t(q.limit)) break;
      q.before_seq = listed->back().seq;
    }
    EXPECT_EQ(paged, expected) << "variant " << variant;
    EXPECT_GT(paged.size(), 13u) << "variant " << variant;
  }
}

TEST_P(StoreTest, TextSearchTakesAnyInputLiterally) {
  struct Doc {
    const char* id;
    const char* title;
    const char* text;
  };
  const std::vector<Doc> docs{
      {"rpt_quote", "Quote a\"b test", "nothing"},
      {"rpt_or", "this OR that", "plain"},
      {"rpt_star", "wildcard * here", "and NEAR(x) too"},
      {"rpt_outage", "大規模停電が発生", "関東地方で停電。復旧作業中"},
      {"rpt_short", "停電", "短い"},
      {"rpt_power", "電力需給ひっ迫", "Power Grid"},
      {"rpt_accent", "Café attack", "résumé"},
  };
  for (const auto& d : docs)
    ASSERT_TRUE(Insert(store(), MakeReport({.id = d.id, .title = d.title, .text = d.text}), {"members"}));

  auto search = [&](std::string text) {
    ReportQuery q;
    q.grant_keys = {"members"};
    q.text = std::move(text);
    auto listed = List(store(), q);
    EXPECT_TRUE(listed) << listed.error().message;
    auto ids = listed ? Ids(*listed) : std::vector<std::string>{};
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(search("a\"b"), V{"rpt_quote"});
  EXPECT_EQ(search("OR"), V{"rpt_or"});
  EXPECT_EQ(search("or that"), V{"rpt_or"});
  EXPECT_EQ(search("NEAR(x)"), V{"rpt_star"});
  EXPECT_EQ(search("停電"), (V{"rpt_outage", "rpt_short"}));
  EXPECT_EQ(search("大規模停電"), V{"rpt_outage"});
  EXPECT_EQ(search("停電 復旧"), V{"rpt_outage"});
  EXPECT_EQ(search("電"), (V{"rpt_outage", "rpt_power", "rpt_short"}));
  EXPECT_EQ(search("power"), V{"rpt_power"});
  EXPECT_EQ(search("cafe"), V{"rpt_accent"});
  EXPECT_EQ(search("電力 grid"), V{"rpt_power"});
  EXPECT_EQ(search("停電 power"), V{});
  EXPECT_EQ(search("missing"), V{});
  // Query syntax is text; none of it fails. Input without any searchable
  // character sets no text condition.
  for (const char* awkward : {"*", "\"", "\"unbalanced", "(", ")", "-", "^", "title:x", "NOT", "AND OR",
                              "a*b", "'; DROP TABLE reports; --", "\xff\xfe", "\xe5\x81", "　"}) {
    ReportQuery q;
    q.grant_keys = {"members"};
    q.text = awkward;
    auto listed = List(store(), q);
    EXPECT_TRUE(listed) << awkward << ": " << listed.error().message;
  }
  EXPECT_EQ(search("*").size(), docs.size());
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }),
            int64_t(docs.size()));
}

TEST_P(StoreTest, SpacesNeverMix) {
  ASSERT_TRUE(Insert(store(), MakeReport({.id = "rpt_live", .title = "drill"}), {"members"}));
  ASSERT_TRUE(Insert(store(),
                     MakeReport({.id = "rpt_ex", .space = *Space::Exercise("exr_1"), .title = "drill"}),
                     {"members"}));
  ReportQuery q;
  q.grant_keys = {"members"};
  EXPECT_EQ(Ids(*List(store(), q)), std::vector<std::string>{"rpt_live"});
  q.space = *Space::Exercise("exr_1");
  EXPECT_EQ(Ids(*List(store(), q)), std::vector<std::string>{"rpt_ex"});
  q.text = "drill";
  EXPECT_EQ(Ids(*List(store(), q)), std::vector<std::string>{"rpt_ex"});
  q.updated_since = At(-10);
  EXPECT_EQ(Ids(*List(store(), q)), std::vector<std::string>{"rpt_ex"});
}

}  // namespace
}  // namespace infrashare
