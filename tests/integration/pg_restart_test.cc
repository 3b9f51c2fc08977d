// Connection loss: PostgreSQL restarts in the middle of a submission burst.
// Requests in flight fail with a clear 503 and a Retry-After (never another
// error, never a half-written report), and the server recovers on its own:
// submissions succeed again without restarting infrashare, and every report
// it acknowledged is there, once, with an intact audit chain.
//
// The test restarts a PostgreSQL cluster of its own (started and stopped
// here with scripts/pg-test-cluster.sh), not the one the other tests share.
// It runs only with INFRASHARE_TEST_DATABASE=postgres.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <unistd.h>

#include "common/source_tree.h"
#include "integration/test_server.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace infrashare::testing {
namespace {

using namespace std::chrono_literals;

// A cluster of this test's own; stopped and removed when it goes.
class OwnCluster {
 public:
  OwnCluster() : env_file_(std::filesystem::temp_directory_path() / fmt::format("pg-restart-{}.env", ::getpid())) {
    auto r = Script("start");
    if (!r || r->exit_code != 0) throw std::runtime_error("cannot start a cluster: " + (r ? r->err : r.error().message));
    url_ = LastLine(r->out);
  }
  ~OwnCluster() { (void)Script("stop"); }
  Result<RunResult> Script(const std::string& command) {
    return RunToCompletion({"bash", infrashare::testing::RepoRoot() + "/scripts/pg-test-cluster.sh", command,
                            env_file_.string()},
                           std::chrono::seconds(120));
  }
  const std::string& url() const { return url_; }

 private:
  std::filesystem::path env_file_;
  std::string url_;
};

TEST(PgRestartTest, RequestsDuringARestartGetA503AndTheServerRecoversOnItsOwn) {
  if (!TestServer::OnPostgres()) GTEST_SKIP() << "restarts a PostgreSQL cluster (INFRASHARE_TEST_DATABASE=postgres)";
  OwnCluster cluster;
  // TestServer makes its database on the cluster INFRASHARE_TEST_PG names.
  const char* shared = std::getenv("INFRASHARE_TEST_PG");
  const std::string saved = shared != nullptr ? shared : "";
  ::setenv("INFRASHARE_TEST_PG", cluster.url().c_str(), 1);
  TestServer server;
  ::setenv("INFRASHARE_TEST_PG", saved.c_str(), 1);
  server.AddOrganization({{"id", "rs_power"}, {"kind", "operator"}, {"name_ja", "再起動電力"},
                          {"name_en", "Restart Power"}, {"sectors", {"electric_power"}}});
  const std::string token = server.TokenFor("rs_power");

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::set<std::string> created;             // protected by mutex
  std::map<std::string, int> answers;        // "201", "503 with Retry-After", ... protected by mutex
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t)
    clients.emplace_back([&, t] {
      HttpClient client("127.0.0.1", server.port(), 15s);
      client.SetBearerToken(token);
      for (int i = 0; !stop && i < 100000; ++i) {
        const Json body{{"kind", "attack_info"}, {"title", fmt::format("restart burst {} {}", t, i)},
                        {"sectors", {"electric_power"}}, {"tlp", "amber"}, {"route", "direct"},
                        {"audience", {{"sectors", {"electric_power"}}}}};
        auto r = client.Request("POST", "/api/v1/reports", body.dump());
        std::lock_guard lock(mutex);
        if (!r) {
          ++answers["no answer: " + r.error().message];
          continue;
        }
        if (r->status == 201) {
          created.insert(Json::parse(r->body)["id"].get<std::string>());
          ++answers["201"];
        } else if (r->status == 503 && !r->Header("retry-after").empty()) {
          ++answers["503 with Retry-After"];
          std::this_thread::sleep_for(20ms);
        } else {
          ++answers[fmt::format("{} {}", r->status, r->body.substr(0, 200))];
        }
      }
    });
  std::this_thread::sleep_for(1s);
  auto restarted = cluster.Script("restart");
  ASSERT_TRUE(restarted && restarted->exit_code == 0) << (restarted ? restarted->err : restarted.error().message);
  // Submissions succeed again without restarting infrashare.
  size_t after_restart = 0;
  {
    std::lock_guard lock(mutex);
    after_restart = created.size();
  }
  bool recovered = false;
  for (int i = 0; i < 150 && !recovered; ++i) {
    std::this_thread::sleep_for(100ms);
    std::lock_guard lock(mutex);
    recovered = created.size() >= after_restart + 20;
  }
  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_TRUE(recovered) << "no submission succeeded after the restart";
  std::string summary;
  for (const auto& [answer, n] : answers) summary += fmt::format("{} x {}; ", n, answer);
  std::cout << "answers: " << summary << "\n";
  for (const auto& [answer, n] : answers)
    EXPECT_TRUE(answer == "201" || answer == "503 with Retry-After") << n << " x " << answer;

  // Every acknowledged report is there once, with one revision; the chain holds.
  std::set<std::string> stored;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    auto r = server.Call("GET", "/api/v1/reports?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor), token);
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& item : Json(r.json()["items"])) {
      EXPECT_TRUE(stored.insert(item["id"].get<std::string>()).second) << "listed twice: " << item["id"];
      EXPECT_EQ(item["revision"], 1);
    }
    if (!r.json()["next_cursor"].is_string()) break;
    cursor = r.json()["next_cursor"];
  }
  for (const auto& id : created) EXPECT_TRUE(stored.contains(id)) << id << " was acknowledged and is missing";
  EXPECT_GE(stored.size(), created.size());
  auto verify = server.RunCli({"audit", "verify", server.DatabaseArgs()[0], server.DatabaseArgs()[1]});
  EXPECT_EQ(verify.first, 0) << verify.second;
}

}  // namespace
}  // namespace infrashare::testing
