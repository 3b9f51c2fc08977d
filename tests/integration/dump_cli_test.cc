// `infrashare export` and `import` on a real server's database: a dump is
// readable by its owner only, and holds webhooks' signing secrets only when
// asked to (--include-secrets); a dump without them imports whole, its
// webhooks disabled.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/test_server.h"

namespace infrashare::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// The webhook rows of a dump file, by id.
std::map<std::string, Json> WebhookRows(const std::string& path) {
  std::map<std::string, Json> rows;
  std::istringstream lines(ReadFile(path));
  for (std::string line; std::getline(lines, line);) {
    Json j = Json::parse(line);
    if (j.value("table", "") == "webhooks") rows[j["row"]["id"].get<std::string>()] = j["row"]["doc"];
  }
  return rows;
}

class DumpCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.AddOrganization({{"id", "dump_water"},
                             {"kind", "operator"},
                             {"name_ja", "水道丙"},
                             {"name_en", "Water C"},
                             {"sectors", {"water"}}});
    const std::string admin = server_.AddPrincipal("dump_admin", "dump_water", {"admin"});
    auto r = server_.Call("POST", "/api/v1/webhooks", admin, Json{{"url", "https://hooks.example.jp/in"}});
    ASSERT_EQ(r.status, 201) << r.body;
    webhook_ = r.json()["id"].get<std::string>();
    secret_ = r.json()["secret"].get<std::string>();
    ASSERT_FALSE(secret_.empty());
    server_.Terminate();
  }
  std::pair<int, std::string> Export(const std::string& file, bool include_secrets) {
    std::vector<std::string> args{"export"};
    for (auto& a : server_.DatabaseArgs()) args.push_back(a);
    args.insert(args.end(), {"--out", file});
    if (include_secrets) args.push_back("--include-secrets");
    return server_.RunCli(args);
  }

  TestServer server_;
  std::string webhook_, secret_;
};

TEST_F(DumpCliTest, ADumpHoldsNoSigningSecretUnlessAskedAndIsReadableByItsOwnerOnly) {
  const std::string file = server_.data_dir() + "/plain.dump";
  std::ofstream(file) << "an older file, readable by all\n";
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);

  auto [code, out] = Export(file, /*include_secrets=*/false);
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(ModeOf(file), 0600u) << "an existing file is replaced by one only its owner may read";
  EXPECT_EQ(ReadFile(file).find(secret_), std::string::npos) << "the signing secret is in the dump";
  EXPECT_NE(out.find("without their signing secrets"), std::string::npos) << out;
  auto rows = WebhookRows(file);
  ASSERT_TRUE(rows.contains(webhook_));
  EXPECT_FALSE(rows[webhook_].contains("secret"));
  EXPECT_EQ(rows[webhook_]["active"], false);
  EXPECT_TRUE(rows[webhook_]["disabled_at"].is_string());
  for (const auto& entry : std::filesystem::directory_iterator(server_.data_dir()))
    EXPECT_EQ(entry.path().filename().string().find("plain.dump."), std::string::npos)
        << "a temporary file was left: " << entry.path();

  const std::string with = server_.data_dir() + "/with-secrets.dump";
  auto [code2, out2] = Export(with, /*include_secrets=*/true);
  ASSERT_EQ(code2, 0) << out2;
  EXPECT_EQ(ModeOf(with), 0600u);
  auto kept = WebhookRows(with);
  EXPECT_EQ(kept[webhook_]["secret"], secret_);
  EXPECT_EQ(kept[webhook_]["active"], true);
}

TEST_F(DumpCliTest, ADumpWithoutSecretsImportsWholeWithItsWebhooksDisabled) {
  const std::string file = server_.data_dir() + "/plain.dump";
  ASSERT_EQ(Export(file, /*include_secrets=*/false).first, 0);
  const std::string target = server_.data_dir() + "/imported";
  auto [code, out] = server_.RunCli({"import", "--data", target, "--in", file});
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out.find("DIFFERS"), std::string::npos) << out;

  // The imported database exports the same webhook row: disabled, no secret.
  const std::string again = server_.data_dir() + "/again.dump";
  auto [code2, out2] = server_.RunCli({"export", "--data", target, "--out", again, "--include-secrets"});
  ASSERT_EQ(code2, 0) << out2;
  auto rows = WebhookRows(again);
  EXPECT_EQ(rows[webhook_]["active"], false);
  EXPECT_EQ(rows[webhook_].value("secret", ""), "");
  EXPECT_EQ(rows[webhook_], WebhookRows(file)[webhook_]);
}

TEST_F(DumpCliTest, AnExportThatCannotWriteLeavesNothingBehind) {
  const std::string file = server_.data_dir() + "/no-such-folder/x.dump";
  auto [code, out] = Export(file, /*include_secrets=*/false);
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("cannot write " + file), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(server_.data_dir() + "/no-such-folder"));
}

}  // namespace
}  // namespace infrashare::testing
