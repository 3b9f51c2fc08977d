// The Store contract, part 1: registry, principals, tokens, meta, audit,
// outbox, transactions (group commit, rollback, errors) and durability.
// Reports and lists are in store_report_test.cc. Every backend runs these
// unchanged (store_test_suite.h).
#include <atomic>
#include <chrono>
#include <thread>

#include "domain/registry/registry_json.h"
#include "domain/report/report_json.h"
#include "store/audit_chain.h"
#include "store/store_test_suite.h"
#include "store/store_test_util.h"

namespace infrashare {
namespace {

using store_test::At;
using store_test::MakeReport;
using store_test::ReadValue;
using store_test::WriteValue;

RegistryData SampleRegistry() {
  RegistryData d;
  // Deliberately not in id order: the store keeps insertion order.
  d.sectors = {{"information_communication", "情報通信", "Information and communication", "org_mic"},
               {"finance", "金融", "Finance", "org_fsa"},
               {"electric_power", "電力", "Electric power", "org_meti"}};
  Ceptoar c;
  c.id = "electricity_ceptoar";
  c.name_ja = "電力CEPTOAR";
  c.name_en = "Electricity CEPTOAR";
  c.sector = "electric_power";
  c.scope_ja = "電力事業者";
  c.scope_en = "Electric utilities";
  c.secretariats = {"org_fepc"};
  c.members = {"23社、1団体", "23 companies, 1 body", 24};
  c.further_recipients = {"", "", std::nullopt};
  d.ceptoars = {c};
  d.groups = {{"ics_isac", "ICS-ISAC", "ICS-ISAC", true}};
  Organization o;
  o.id = "org_tepco";
  o.kind = OrgKind::kOperator;
  o.name_ja = "東京電力";
  o.name_en = "TEPCO";
  o.sectors = {"electric_power"};
  o.ceptoars = {"electricity_ceptoar"};
  o.groups = {"ics_isac"};
  o.contacts = {{"SOC desk", "soc@example.jp", "+81-3-0000-0000"}};
  Organization nisc;
  nisc.id = "org_nisc";
  nisc.kind = OrgKind::kCoordinationCenter;
  nisc.name_ja = "内閣サイバーセキュリティセンター";
  nisc.name_en = "NISC";
  d.organizations = {o, nisc};
  return d;
}

Result<void> WriteRegistry(WriteTx& tx, const RegistryData& d) {
  for (const auto& s : d.sectors)
    if (auto r = tx.UpsertSector(s); !r) return r;
  for (const auto& c : d.ceptoars)
    if (auto r = tx.UpsertCeptoar(c); !r) return r;
  for (const auto& g : d.groups)
    if (auto r = tx.UpsertGroup(g); !r) return r;
  for (const auto& o : d.organizations)
    if (auto r = tx.UpsertOrganization(o); !r) return r;
  return {};
}

Json RegistryJson(const RegistryData& d) {
  Json j = Json::object();
  for (const auto& s : d.sectors) j["sectors"].push_back(ToJson(s));
  for (const auto& c : d.ceptoars) j["ceptoars"].push_back(ToJson(c));
  for (const auto& g : d.groups) j["groups"].push_back(ToJson(g));
  for (const auto& o : d.organizations) j["organizations"].push_back(ToJson(o));
  return j;
}

Principal SamplePrincipal(std::string id, std::string org) {
  return Principal{std::move(id), std::move(org), "山田 太郎", {Role::kReporter, Role::kAnalyst}, At(5)};
}

TEST_P(StoreTest, EmptyStoreAnswersEmpty) {
  auto reg = ReadValue(store(), [](ReadTx& tx) { return tx.LoadRegistry(); });
  ASSERT_TRUE(reg) << reg.error().message;
  EXPECT_TRUE(reg->sectors.empty() && reg->ceptoars.empty() && reg->groups.empty() &&
              reg->organizations.empty());
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }), 0);
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.GetPrincipal("nobody"); }), std::nullopt);
  EXPECT_FALSE(ReadValue(store(), [](ReadTx& tx) { return tx.GetToken("tok_none"); })->has_value());
  EXPECT_FALSE(
      ReadValue(store(), [](ReadTx& tx) { return tx.GetReport(Space::Live(), "rpt_none"); })->has_value());
  EXPECT_TRUE(ReadValue(store(), [](ReadTx& tx) { return tx.ListRevisions("rpt_none"); })->empty());
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.GetMeta("registry_version"); }), std::nullopt);
  auto hash = WriteValue(store(), [](WriteTx& tx) { return tx.LastAuditHash(); });
  ASSERT_TRUE(hash);
  EXPECT_EQ(*hash, "");
}

TEST_P(StoreTest, WriteInsideWriteIsAnErrorNotADeadlock) {
  Result<void> inner;
  ASSERT_TRUE(store().Write([&](WriteTx&) -> Result<void> {
    inner = store().Write([](WriteTx& tx) { return tx.SetMeta("k", "v"); });
    return {};
  }));
  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error().code, ErrorCode::kInternal);
  EXPECT_EQ(inner.error().message, "store bug: Write called from inside a Write function");
}

TEST_P(StoreTest, RegistryRoundTripKeepsOrderAndUpserts) {
  RegistryData d = SampleRegistry();
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return WriteRegistry(tx, d); }));
  auto loaded = ReadValue(store(), [](ReadTx& tx) { return tx.LoadRegistry(); });
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(RegistryJson(*loaded), RegistryJson(d));

  // Upsert changes a document in place; order and count stay.
  d.sectors[1].name_en = "Finance (banks, insurers)";
  d.organizations[0].contacts.push_back({"Backup", "backup@example.jp", ""});
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return WriteRegistry(tx, d); }));
  loaded = ReadValue(store(), [](ReadTx& tx) { return tx.LoadRegistry(); });
  ASSERT_TRUE(loaded);
  EXPECT_EQ(RegistryJson(*loaded), RegistryJson(d));
  ASSERT_EQ(loaded->sectors.size(), 3u);
  EXPECT_EQ(loaded->sectors[0].id, "information_communication");
  ASSERT_TRUE(loaded->ceptoars[0].members.count);
  EXPECT_EQ(*loaded->ceptoars[0].members.count, 24);
  EXPECT_FALSE(loaded->ceptoars[0].further_recipients.count);
}

TEST_P(StoreTest, PrincipalsInsertGetListAndConflict) {
  ASSERT_TRUE(store().Write([](WriteTx& tx) -> Result<void> {
    for (auto* id : {"prn_b", "prn_a"})
      if (auto r = tx.InsertPrincipal(SamplePrincipal(id, "org_tepco")); !r) return r;
    return tx.InsertPrincipal(SamplePrincipal("prn_nisc", "org_nisc"));
  }));
  auto p = ReadValue(store(), [](ReadTx& tx) { return tx.GetPrincipal("prn_a"); });
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->organization, "org_tepco");
  EXPECT_EQ((*p)->name, "山田 太郎");
  EXPECT_EQ((*p)->roles, (std::vector<Role>{Role::kReporter, Role::kAnalyst}));
  EXPECT_EQ((*p)->created_at, At(5));

  auto of_org = ReadValue(store(), [](ReadTx& tx) { return tx.ListPrincipals("org_tepco"); });
  ASSERT_TRUE(of_org);
  ASSERT_EQ(of_org->size(), 2u);
  EXPECT_EQ((*of_org)[0].id, "prn_a");
  EXPECT_EQ((*of_org)[1].id, "prn_b");
  EXPECT_EQ(ReadValue(store(), [](ReadTx& tx) { return tx.ListPrincipals(std::nullopt); })->size(), 3u);

  auto dup = store().Write([](WriteTx& tx) { return tx.InsertPrincipal(SamplePrincipal("prn_a", "org_x")); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().message, "principal 'prn_a' already exists");

  // Disabled, roles and language change; the organization stays.
  Principal changed = **p;
  changed.organization = "org_elsewhere";
  changed.roles = {Role::kAdmin};
  changed.disabled_at = At(9);
  changed.language = "en";
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return tx.UpdatePrincipal(changed); }));
  p = ReadValue(store(), [](ReadTx& tx) { return tx.GetPrincipal("prn_a"); });
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->organization, "org_tepco");
  EXPECT_EQ((*p)->roles, std::vector<Role>{Role::kAdmin});
  EXPECT_EQ((*p)->disabled_at, At(9));
  EXPECT_EQ((*p)->language, "en");
  changed.disabled_at.reset();
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return tx.UpdatePrincipal(changed); }));
  p = ReadValue(store(), [](ReadTx& tx) { return tx.GetPrincipal("prn_a"); });
  ASSERT_TRUE(p && *p);
  EXPECT_FALSE((*p)->disabled_at);
  changed.id = "prn_ghost";
  auto ghost = store().Write([&](WriteTx& tx) { return tx.UpdatePrincipal(changed); });
  ASSERT_FALSE(ghost);
  EXPECT_EQ(ghost.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, TokensInsertGetRevoke) {
  ApiToken t{"tok_1", "prn_a", std::string(64, 'a'), "ci pipeline", At(10), std::nullopt};
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    if (auto r = tx.InsertPrincipal(SamplePrincipal("prn_a", "org_tepco")); !r) return r;
    return tx.InsertToken(t);
  }));
  auto got = ReadValue(store(), [](ReadTx& tx) { return tx.GetToken("tok_1"); });
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->principal, "prn_a");
  EXPECT_EQ((*got)->secret_sha256, t.secret_sha256);
  EXPECT_EQ((*got)->label, "ci pipeline");
  EXPECT_EQ((*got)->created_at, At(10));
  EXPECT_FALSE((*got)->revoked_at);

  ASSERT_TRUE(store().Write([](WriteTx& tx) { return tx.RevokeToken("tok_1", At(20)); }));
  // Revoking again keeps the first time.
  ASSERT_TRUE(store().Write([](WriteTx& tx) { return tx.RevokeToken("tok_1", At(30)); }));
  got = ReadValue(store(), [](ReadTx& tx) { return tx.GetToken("tok_1"); });
  ASSERT_TRUE(got && *got && (*got)->revoked_at);
  EXPECT_EQ(*(*got)->revoked_at, At(20));

  auto unknown = store().Write([](WriteTx& tx) { return tx.RevokeToken("tok_none", At(20)); });
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message, "token 'tok_none' not found");

  auto dup = store().Write([&](WriteTx& tx) { return tx.InsertToken(t); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  // A token belongs to a principal that exists.
  auto orphan = store().Write([](WriteTx& tx) {
    return tx.InsertToken(ApiToken{"tok_2", "prn_ghost", std::string(64, 'b'), "", At(1), std::nullopt});
  });
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(orphan.error().field, "principal");
}

TEST_P(StoreTest, CredentialsSessionsAndSignInFailures) {
  ASSERT_TRUE(
      store().Write([](WriteTx& tx) { return tx.InsertPrincipal(SamplePrincipal("prn_a", "org_tepco")); }));
  auto orphan = store().Write(
      [](WriteTx& tx) { return tx.PutCredential({.principal = "prn_ghost", .changed_at = At(1)}); });
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::kNotFound);

  // A setup code, replaced by a password.
  ASSERT_TRUE(store().Write([](WriteTx& tx) {
    return tx.PutCredential({.principal = "prn_a",
                             .setup_code_sha256 = std::string(64, 'c'),
                             .setup_code_expires_at = At(100),
                             .changed_at = At(1)});
  }));
  auto cred = ReadValue(store(), [](ReadTx& tx) { return tx.GetCredential("prn_a"); });
  ASSERT_TRUE(cred && *cred);
  EXPECT_FALSE((*cred)->password_hash);
  EXPECT_EQ((*cred)->setup_code_sha256, std::string(64, 'c'));
  EXPECT_EQ((*cred)->setup_code_expires_at, At(100));
  ASSERT_TRUE(store().Write([](WriteTx& tx) {
    return tx.PutCredential({.principal = "prn_a", .password_hash = "h", .changed_at = At(2)});
  }));
  cred = ReadValue(store(), [](ReadTx& tx) { return tx.GetCredential("prn_a"); });
  ASSERT_TRUE(cred && *cred);
  EXPECT_EQ((*cred)->password_hash, "h");
  EXPECT_FALSE((*cred)->setup_code_sha256);
  EXPECT_FALSE((*cred)->setup_code_expires_at);
  EXPECT_EQ((*cred)->changed_at, At(2));
  EXPECT_FALSE(*ReadValue(store(), [](ReadTx& tx) { return tx.GetCredential("prn_b"); }));
  // Held only as last changed.
  auto held = store().Write([](WriteTx& tx) { return tx.HoldCredential("prn_a", At(2)); });
  ASSERT_TRUE(held);
  EXPECT_TRUE(*held);
  held = store().Write([](WriteTx& tx) { return tx.HoldCredential("prn_a", At(1)); });
  ASSERT_TRUE(held);
  EXPECT_FALSE(*held);
  held = store().Write([](WriteTx& tx) { return tx.HoldCredential("prn_b", At(2)); });
  ASSERT_TRUE(held);
  EXPECT_FALSE(*held);

  // Sessions: touched forward only, revoked one by one or all of a principal.
  auto session = [](char c) {
    return WebSession{.id_sha256 = std::string(64, c),
                      .principal = "prn_a",
                      .csrf_token = std::string(1, c),
                      .created_at = At(10),
                      .last_seen_at = At(10),
                      .expires_at = At(1000)};
  };
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    for (char c : {'a', 'b', 'c'}) INFRASHARE_TRY(tx.InsertWebSession(session(c)));
    return {};
  }));
  auto dup = store().Write([&](WriteTx& tx) { return tx.InsertWebSession(session('a')); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store().Write([](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.TouchWebSession(std::string(64, 'a'), At(20)));
    INFRASHARE_TRY(tx.TouchWebSession(std::string(64, 'a'), At(15)));  // never back
    return tx.RevokeWebSession(std::string(64, 'b'), At(30));
  }));
  auto a = *ReadValue(store(), [](ReadTx& tx) { return tx.GetWebSession(std::string(64, 'a')); });
  ASSERT_TRUE(a);
  EXPECT_EQ(a->last_seen_at, At(20));
  EXPECT_EQ(a->csrf_token, "a");
  EXPECT_FALSE(a->revoked_at);
  ASSERT_TRUE(store().Write([](WriteTx& tx) { return tx.RevokeWebSessions("prn_a", At(40)); }));
  for (char c : {'a', 'b', 'c'}) {
    auto s = *ReadValue(store(), [&](ReadTx& tx) { return tx.GetWebSession(std::string(64, c)); });
    ASSERT_TRUE(s && s->revoked_at) << c;
    EXPECT_EQ(*s->revoked_at, c == 'b' ? At(30) : At(40)) << c;
  }

  // Failures by name and time; locks kept and moved.
  ASSERT_TRUE(store().Write([](WriteTx& tx) -> Result<void> {
    for (int i = 0; i < 5; ++i) INFRASHARE_TRY(tx.AddSignInFailure("prn_a", At(i * 10)));
    INFRASHARE_TRY(tx.AddSignInFailure("nobody", At(0)));
    return tx.SetSignInLock("prn_a", At(100));
  }));
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.CountSignInFailures("prn_a", At(20)); }), 3);
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.CountSignInFailures("nobody", At(0)); }), 1);
  ASSERT_TRUE(store().Write([](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.ForgetSignInFailures(At(30)));
    return tx.SetSignInLock("prn_a", At(200));
  }));
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.CountSignInFailures("prn_a", At(0)); }), 2);
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.CountSignInFailures("nobody", At(0)); }), 0);
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.GetSignInLock("prn_a"); }), At(200));
  EXPECT_FALSE(*ReadValue(store(), [](ReadTx& tx) { return tx.GetSignInLock("nobody"); }));
  // Ended locks and sessions are forgotten.
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.InsertWebSession(session('d')));  // live until At(1000)
    INFRASHARE_TRY(tx.ForgetSignInFailures(At(201)));
    return tx.ForgetWebSessions(At(100));
  }));
  EXPECT_FALSE(*ReadValue(store(), [](ReadTx& tx) { return tx.GetSignInLock("prn_a"); }));
  for (char c : {'a', 'b', 'c'})
    EXPECT_FALSE(*ReadValue(store(), [&](ReadTx& tx) { return tx.GetWebSession(std::string(64, c)); })) << c;
  EXPECT_TRUE(*ReadValue(store(), [](ReadTx& tx) { return tx.GetWebSession(std::string(64, 'd')); }));
}

TEST_P(StoreTest, EveryRevocationAndPrincipalChangeCountsUpTheCredentialsVersion) {
  auto version = [&] {
    auto v = ReadValue(store(), [](ReadTx& tx) { return tx.GetMeta(kCredentialsVersionKey); });
    return v && *v ? **v : std::string("none");
  };
  EXPECT_EQ(version(), "none");
  ASSERT_TRUE(store().Write([](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.InsertPrincipal(SamplePrincipal("prn_a", "org_tepco")));
    return tx.InsertToken({.id = "tok_a", .principal = "prn_a", .secret_sha256 = "h", .created_at = At(1)});
  }));
  EXPECT_EQ(version(), "none") << "adding is no revocation";
  ASSERT_TRUE(store().Write([](WriteTx& tx) { return tx.RevokeToken("tok_a", At(2)); }));
  EXPECT_EQ(version(), "1");
  ASSERT_TRUE(store().Write([](WriteTx& tx) { return tx.RevokeWebSession(std::string(64, 'a'), At(3)); }));
  EXPECT_EQ(version(), "2");
  ASSERT_TRUE(store().Write([](WriteTx& tx) { return tx.RevokeWebSessions("prn_a", At(4)); }));
  EXPECT_EQ(version(), "3");
  auto p = SamplePrincipal("prn_a", "org_tepco");
  p.disabled_at = At(5);
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return tx.UpdatePrincipal(p); }));
  EXPECT_EQ(version(), "4");
  // A write that fails counts nothing.
  auto failed = store().Write([](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.RevokeToken("tok_a", At(6)));
    return Conflict("rolled back");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(version(), "4");
}

TEST_P(StoreTest, MetaSetGetOverwrite) {
  ASSERT_TRUE(store().Write([](WriteTx& tx) { return tx.SetMeta("registry_version", "v1"); }));
  ASSERT_TRUE(store().Write([](WriteTx& tx) { return tx.SetMeta("registry_version", "v2"); }));
  auto v = ReadValue(store(), [](ReadTx& tx) { return tx.GetMeta("registry_version"); });
  ASSERT_TRUE(v && *v);
  EXPECT_EQ(**v, "v2");
}

// prev_hash and hash are the caller's, for the store to ignore.
AuditEvent Event(std::string action, int64_t at) {
  return AuditEvent{.at = At(at),
                    .actor_principal = "prn_a",
                    .actor_org = "org_tepco",
                    .action = std::move(action),
                    .target_kind = "report",
                    .target_id = "rpt_1",
                    .detail = Json{{"revision", 1}, {"note", "停電"}},
                    .prev_hash = "not the caller's",
                    .hash = "to choose"};
}

TEST_P(StoreTest, AuditChainAppendLinksEachEventToTheOneBefore) {
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store().Write(
        [&](WriteTx& tx) { return tx.AppendAudit(Event(fmt::format("report.step{}", i), i)); }));
  // Two in one transaction: the second links to the first.
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    if (auto a = tx.AppendAudit(Event("report.step3", 3)); !a) return a;
    return tx.AppendAudit(Event("report.step4", 4));
  }));

  auto all = ReadValue(store(), [](ReadTx& tx) { return tx.ListAudit(0, 100); });
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 5u);
  std::string prev;
  for (size_t i = 0; i < all->size(); ++i) {
    const AuditEvent& e = (*all)[i];
    EXPECT_EQ(e.action, fmt::format("report.step{}", i));
    EXPECT_EQ(e.prev_hash, prev) << i;
    EXPECT_EQ(e.hash, AuditHash(e)) << i;
    EXPECT_EQ(e.hash.size(), 64u) << i;  // SHA-256, hex
    if (i > 0) {
      EXPECT_LT((*all)[i - 1].seq, e.seq);
    }
    prev = e.hash;
  }
  EXPECT_EQ((*all)[0].prev_hash, "");
  EXPECT_EQ((*all)[2].at, At(2));
  EXPECT_EQ((*all)[2].actor_org, "org_tepco");
  EXPECT_EQ((*all)[2].target_id, "rpt_1");
  EXPECT_EQ((*all)[2].detail, (Json{{"revision", 1}, {"note", "停電"}}));

  auto tail = ReadValue(store(), [&](ReadTx& tx) { return tx.ListAudit((*all)[0].seq, 1); });
  ASSERT_TRUE(tail);
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ((*tail)[0].seq, (*all)[1].seq);
  EXPECT_EQ(*WriteValue(store(), [](WriteTx& tx) { return tx.LastAuditHash(); }), (*all)[4].hash);

  auto bad = ReadValue(store(), [](ReadTx& tx) { return tx.ListAudit(0, 0); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "limit");
}

TEST_P(StoreTest, AWriteSeesTheAuditEventsItAppendedAndARolledBackOneIsGone) {
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return tx.AppendAudit(Event("report.submit", 1)); }));
  std::string seen;
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    if (auto a = tx.AppendAudit(Event("report.relay", 2)); !a) return a;
    auto last = INFRASHARE_TRY(tx.LastAuditHash());
    seen = last;
    auto events = INFRASHARE_TRY(tx.ListAudit(0, 10));
    EXPECT_EQ(events.size(), 2u);
    return tx.AppendAudit(Event("report.update", 3));
  }));
  EXPECT_FALSE(store().Write([&](WriteTx& tx) -> Result<void> {
    if (auto a = tx.AppendAudit(Event("report.withdrawn", 4)); !a) return a;
    return Conflict("changed my mind");
  }));
  auto all = ReadValue(store(), [](ReadTx& tx) { return tx.ListAudit(0, 10); });
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].hash, seen);
  EXPECT_EQ((*all)[2].action, "report.update");
  EXPECT_EQ((*all)[2].prev_hash, seen);
  EXPECT_EQ(*WriteValue(store(), [](WriteTx& tx) { return tx.LastAuditHash(); }), (*all)[2].hash);
}

TEST_P(StoreTest, OutboxAppendAndListAfter) {
  for (auto* type : {"report.created", "report.updated", "report.relayed"}) {
    ASSERT_TRUE(store().Write([&](WriteTx& tx) {
      return tx.AppendOutbox(
          OutboxEvent{.at = At(7), .space = Space::Live(), .type = type, .record_id = "rpt_9"});
    }));
  }
  auto all = ReadValue(store(), [&](ReadTx& tx) { return tx.ListOutbox(0, 10); });
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  std::vector<int64_t> seqs;
  for (const auto& e : *all) seqs.push_back(e.seq);
  EXPECT_LT(seqs[0], seqs[1]);
  EXPECT_LT(seqs[1], seqs[2]);
  auto after = ReadValue(store(), [&](ReadTx& tx) { return tx.ListOutbox(seqs[0], 10); });
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].seq, seqs[1]);
  EXPECT_EQ((*after)[0].type, "report.updated");
  EXPECT_EQ((*after)[1].type, "report.relayed");
  EXPECT_EQ((*after)[1].record_id, "rpt_9");
  EXPECT_EQ((*after)[1].space, Space::Live());
  EXPECT_EQ((*after)[1].at, At(7));
  EXPECT_TRUE(ReadValue(store(), [&](ReadTx& tx) { return tx.ListOutbox(seqs[2], 10); })->empty());
}

TEST_P(StoreTest, OutboxListenersAreToldAfterACommitThatAppended) {
  store_test::WakeCounter wakes;
  OutboxSubscription subscription = store().OnOutboxAppended(wakes.Listener());
  const int before = wakes.count();  // a backend may call once on subscribing
  ASSERT_TRUE(WriteValue(store(), [](WriteTx& tx) {
    return tx.AppendOutbox({.at = At(1), .type = "report.created", .record_id = "rpt_1"});
  }));
  EXPECT_TRUE(wakes.WaitAbove(before, std::chrono::seconds(5))) << "no wake-up after the commit";

  // Once the subscription has ended, the listener is never called again.
  subscription.Reset();
  const int ended = wakes.count();
  ASSERT_TRUE(WriteValue(store(), [](WriteTx& tx) {
    return tx.AppendOutbox({.at = At(2), .type = "report.updated", .record_id = "rpt_1"});
  }));
  EXPECT_FALSE(wakes.WaitAbove(ended, std::chrono::milliseconds(200)));
}

TEST_P(StoreTest, FailingWriteChangesNothingAndKeepsItsError) {
  auto r = store().Write([](WriteTx& tx) -> Result<void> {
    if (auto m = tx.SetMeta("k", "v"); !m) return m;
    if (auto p = tx.InsertPrincipal(SamplePrincipal("prn_a", "org_tepco")); !p) return p;
    return InvalidArgument("title", "must not be empty");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "title");
  EXPECT_EQ(r.error().message, "must not be empty");
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.GetMeta("k"); }), std::nullopt);
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.GetPrincipal("prn_a"); }), std::nullopt);
}

TEST_P(StoreTest, ExceptionInWriteReachesCallerAndRollsBack) {
  EXPECT_THROW((void)store().Write([](WriteTx& tx) -> Result<void> {
    (void)tx.SetMeta("k", "v");
    throw std::logic_error("bug");
  }),
               std::logic_error);
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return tx.GetMeta("k"); }), std::nullopt);
  EXPECT_TRUE(store().Write([](WriteTx& tx) { return tx.SetMeta("k", "after"); }));
}

TEST_P(StoreTest, WriteSeesItsOwnChanges) {
  auto r = store().Write([](WriteTx& tx) -> Result<void> {
    if (auto m = tx.SetMeta("k", "v"); !m) return m;
    auto v = tx.GetMeta("k");
    if (!v || !*v || **v != "v") return Internal("own write not visible");
    return {};
  });
  EXPECT_TRUE(r) << r.error().message;
}

// 64 threads write at once; every other one fails after writing. All
// succeeding writes are kept, each failing one leaves nothing, even though
// they share batches (the first write holds the writer until all are queued).
TEST_P(StoreTest, GroupCommitKeepsEachWriteApart) {
  constexpr int kThreads = 64;
  std::atomic<bool> release{false};
  std::thread blocker([&] {
    (void)store().Write([&](WriteTx& tx) -> Result<void> {
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return tx.SetMeta("blocker", "done");
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::vector<std::thread> threads;
  std::vector<Result<void>> results(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[i] = store().Write([i](WriteTx& tx) -> Result<void> {
        auto report = MakeReport({.id = fmt::format("rpt_{:02}", i), .created_at = At(i)});
        INFRASHARE_TRY(tx.InsertReport(report, {"members"}));
        if (auto m = tx.SetMeta(fmt::format("writer_{:02}", i), "x"); !m) return m;
        if (i % 2 == 1) return Conflict(fmt::format("writer {} gives up", i));
        return {};
      });
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  release = true;
  for (auto& t : threads) t.join();
  blocker.join();

  for (int i = 0; i < kThreads; ++i) {
    if (i % 2 == 0) {
      EXPECT_TRUE(results[i]) << i << ": " << results[i].error().message;
    } else {
      ASSERT_FALSE(results[i]) << i;
      EXPECT_EQ(results[i].error().code, ErrorCode::kConflict);
      EXPECT_EQ(results[i].error().message, fmt::format("writer {} gives up", i));
    }
  }
  EXPECT_EQ(*ReadValue(store(), [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }), kThreads / 2);
  for (int i = 0; i < kThreads; ++i) {
    auto report = ReadValue(
        store(), [&](ReadTx& tx) { return tx.GetReport(Space::Live(), fmt::format("rpt_{:02}", i)); });
    auto meta = ReadValue(store(), [&](ReadTx& tx) { return tx.GetMeta(fmt::format("writer_{:02}", i)); });
    ASSERT_TRUE(report && meta);
    EXPECT_EQ(report->has_value(), i % 2 == 0) << i;
    EXPECT_EQ(meta->has_value(), i % 2 == 0) << i;
  }
  ReportQuery q;
  q.grant_keys = {"members"};
  q.limit = 100;
  auto listed = ReadValue(store(), [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(q); });
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), size_t(kThreads / 2));
  q.text = "title";  // the text index holds only the kept writes
  listed = ReadValue(store(), [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(q); });
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), size_t(kThreads / 2));
}

TEST_P(StoreTest, ReadsRunWhileWriting) {
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!stop) {
      auto n = ReadValue(store(), [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); });
      ASSERT_TRUE(n) << n.error().message;
      ++reads;
    }
  });
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(store().Write([i](WriteTx& tx) -> Result<void> {
      INFRASHARE_TRY(tx.InsertReport(MakeReport({.id = fmt::format("rpt_{}", i)}), {"members"}));
      return {};
    }));
  stop = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
}

TEST_P(StoreTest, EverythingSurvivesReopen) {
  RegistryData d = SampleRegistry();
  int64_t seq = 0;
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Result<void> {
    if (auto r = WriteRegistry(tx, d); !r) return r;
    if (auto r = tx.InsertPrincipal(SamplePrincipal("prn_a", "org_tepco")); !r) return r;
    if (auto r = tx.InsertToken({"tok_1", "prn_a", "hash", "label", At(1), std::nullopt}); !r) return r;
    auto s = INFRASHARE_TRY(tx.InsertReport(MakeReport({.id = "rpt_1", .title = "大規模停電"}), {"members"}));
    seq = s;
    if (auto r = tx.AppendAudit(Event("report.submit", 1)); !r) return r;
    if (auto r = tx.AppendOutbox({.at = At(1), .type = "report.created", .record_id = "rpt_1"}); !r) return r;
    return tx.SetMeta("k", "v");
  }));
  Reopen();
  auto loaded = ReadValue(store(), [](ReadTx& tx) { return tx.LoadRegistry(); });
  ASSERT_TRUE(loaded);
  EXPECT_EQ(RegistryJson(*loaded), RegistryJson(d));
  EXPECT_TRUE(ReadValue(store(), [](ReadTx& tx) { return tx.GetPrincipal("prn_a"); })->has_value());
  EXPECT_TRUE(ReadValue(store(), [](ReadTx& tx) { return tx.GetToken("tok_1"); })->has_value());
  auto report = ReadValue(store(), [](ReadTx& tx) { return tx.GetReport(Space::Live(), "rpt_1"); });
  ASSERT_TRUE(report && *report);
  EXPECT_EQ((*report)->seq, seq);
  auto audit = ReadValue(store(), [](ReadTx& tx) { return tx.ListAudit(0, 10); });
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(ReadValue(store(), [](ReadTx& tx) { return tx.ListOutbox(0, 10); })->size(), 1u);
  EXPECT_EQ(**ReadValue(store(), [](ReadTx& tx) { return tx.GetMeta("k"); }), "v");
  ReportQuery q;
  q.grant_keys = {"members"};
  q.text = "停電";
  auto found = ReadValue(store(), [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(q); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->size(), 1u);
  EXPECT_EQ(*WriteValue(store(), [](WriteTx& tx) { return tx.LastAuditHash(); }), (*audit)[0].hash);
  // Seqs continue after the reopen.
  auto next =
      WriteValue(store(), [](WriteTx& tx) { return tx.InsertReport(MakeReport({.id = "rpt_2"}), {}); });
  ASSERT_TRUE(next);
  EXPECT_GT(*next, seq);
}

}  // namespace
}  // namespace infrashare
