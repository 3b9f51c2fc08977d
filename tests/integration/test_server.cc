#include "integration/test_server.h"
#include "common/source_tree.h"

#include <gtest/gtest.h>
#include <fmt/format.h>

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "support/http_client.h"

namespace infrashare::testing {

Json Reply::json() const {
  Json j = Json::parse(body, nullptr, false);
  return j.is_discarded() ? Json() : j;
}

namespace {

// The binary under test: this build's, or INFRASHARE_TEST_BINARY (the
// sanitizer build of scripts/sanitize.sh).
std::string Binary() {
  const char* other = std::getenv("INFRASHARE_TEST_BINARY");
  return other != nullptr && *other != '\0' ? std::string(other) : std::string(INFRASHARE_BINARY);
}

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "infrashare-it-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// postgresql://u@h:p/postgres -> postgresql://u@h:p/NAME
std::string WithDatabase(const std::string& url, const std::string& name) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  return (path == std::string::npos ? url.substr(0, query) : url.substr(0, path)) + "/" + name + tail;
}

std::string Psql(const std::string& url, const std::string& sql) {
  auto r = RunToCompletion({"psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql});
  if (!r) return r.error().message;
  return r->exit_code == 0 ? "" : r->err + r->out;
}

thread_local std::unique_ptr<HttpClient> tls_client;
thread_local uint16_t tls_port = 0;

}  // namespace

bool TestServer::OnPostgres() {
  const char* db = std::getenv("INFRASHARE_TEST_DATABASE");
  return db != nullptr && std::string_view(db) == "postgres";
}

TestServer::TestServer(std::string config_toml) {
  if (OnPostgres()) {
    const char* cluster = std::getenv("INFRASHARE_TEST_PG");
    if (cluster == nullptr || *cluster == '\0') {
      if (const char* ci = std::getenv("CI"); ci != nullptr && *ci != '\0')
        throw std::runtime_error("INFRASHARE_TEST_DATABASE=postgres needs INFRASHARE_TEST_PG, and CI must run it");
      throw std::runtime_error("skipped: INFRASHARE_TEST_DATABASE=postgres needs INFRASHARE_TEST_PG "
                               "(scripts/pg-test-cluster.sh start)");
    }
    std::random_device rd;
    pg_cluster_ = cluster;
    pg_name_ = fmt::format("it_{:08x}{:08x}", rd(), rd());
    if (auto e = Psql(pg_cluster_, "CREATE DATABASE " + pg_name_); !e.empty())
      throw std::runtime_error("cannot create the test database: " + e);
    pg_url_ = WithDatabase(pg_cluster_, pg_name_);
  }
  data_dir_ = MakeTempDir();
  log_path_ = data_dir_ + "/server.log";
  if (!config_toml.empty()) {
    config_path_ = data_dir_ + "/server.toml";
    std::ofstream(config_path_) << config_toml;
  }
  std::vector<std::string> init_args{Binary(), "init"};
  for (auto& a : DatabaseArgs()) init_args.push_back(a);
  init_args.insert(init_args.end(),
                   {"--registry", infrashare::testing::RepoRoot() + "/data/registry/registry.toml"});
  auto init = RunToCompletion(init_args);
  if (!init || init->exit_code != 0)
    throw std::runtime_error("infrashare init failed: " + (init ? init->err : init.error().message));
  admin_token_ = LastLine(init->out);
  Start();
}

TestServer::~TestServer() {
  process_.reset();
  std::error_code ec;
  if (!::testing::Test::HasFailure()) {
    std::filesystem::remove_all(data_dir_, ec);
    if (!pg_name_.empty()) (void)Psql(pg_cluster_, "DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
  }
}

std::vector<std::string> TestServer::DatabaseArgs() const {
  if (!pg_url_.empty()) return {"--database", pg_url_};
  return {"--data", data_dir_};
}

void TestServer::ExecSql(const std::string& sql) {
  if (!pg_url_.empty()) {
    auto e = Psql(pg_url_, sql);
    EXPECT_TRUE(e.empty()) << sql << ": " << e;
    return;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir_ + "/infrashare.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

std::vector<std::string> TestServer::ServeArgs(uint16_t port) const {
  std::vector<std::string> args{Binary(), "serve"};
  for (auto& a : DatabaseArgs()) args.push_back(a);
  args.insert(args.end(), {"--listen", fmt::format("127.0.0.1:{}", port), "--workers", "16"});
  if (!config_path_.empty()) args.insert(args.end(), {"--config", config_path_});
  return args;
}

void TestServer::Start() {
  port_ = ServerProcess::FreePort();
  auto p = ServerProcess::Start(ServeArgs(port_), log_path_);
  if (!p) throw std::runtime_error("server did not start: " + p.error().message);
  process_ = std::make_unique<ServerProcess>(std::move(*p));
}

ServerProcess TestServer::StartAnother() {
  const uint16_t port = ServerProcess::FreePort();
  auto p = ServerProcess::Start(ServeArgs(port), fmt::format("{}/server-{}.log", data_dir_, ++others_));
  if (!p) throw std::runtime_error("another server did not start: " + p.error().message);
  return std::move(*p);
}

void TestServer::Kill9() {
  if (process_) process_->Kill9();
}

void TestServer::Terminate() {
  if (process_) (void)process_->Terminate();
}

Reply TestServer::Call(const std::string& method, const std::string& target, const std::string& token,
                       const std::string& body, const std::string& content_type) {
  return CallAt(port_, method, target, token, body, content_type);
}

Reply TestServer::CallAt(uint16_t port, const std::string& method, const std::string& target,
                         const std::string& token, const std::string& body, const std::string& content_type) {
  if (!tls_client || tls_port != port) {
    tls_client = std::make_unique<HttpClient>("127.0.0.1", port);
    tls_port = port;
  }
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  if (!body.empty()) headers["Content-Type"] = content_type;
  auto r = tls_client->Request(method, target, body, headers);
  Reply reply;
  if (!r) {
    ADD_FAILURE() << method << " " << target << ": " << r.error().message;
    tls_client.reset();
    return reply;
  }
  reply.status = r->status;
  reply.body = r->body;
  reply.content_type = r->Header("content-type");
  std::lock_guard lock(mutex_);
  bodies_.push_back(reply.body);
  return reply;
}

Reply TestServer::Call(const std::string& method, const std::string& target, const std::string& token,
                       const Json& body) {
  return Call(method, target, token, body.dump());
}

Reply TestServer::CallAt(uint16_t port, const std::string& method, const std::string& target,
                         const std::string& token, const Json& body) {
  return CallAt(port, method, target, token, body.dump());
}

void TestServer::AddOrganization(const Json& org) {
  auto r = Call("POST", "/api/v1/admin/organizations", admin_token_, org);
  if (r.status != 201) throw std::runtime_error("adding an organization failed: " + r.body);
}

std::string TestServer::AddPrincipal(const std::string& id, const std::string& org,
                                     const std::vector<std::string>& roles, const std::string& name) {
  auto p = Call("POST", "/api/v1/admin/principals", admin_token_,
                Json{{"id", id}, {"organization", org}, {"name", name.empty() ? id + " person" : name},
                     {"roles", roles}});
  if (p.status != 201) throw std::runtime_error("adding a principal failed: " + p.body);
  auto t = Call("POST", "/api/v1/admin/principals/" + id + "/tokens", admin_token_, Json::object());
  if (t.status != 201) throw std::runtime_error("issuing a token failed: " + t.body);
  return t.json()["token"];
}

std::string TestServer::TokenFor(const std::string& org) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = tokens_.find(org); it != tokens_.end()) return it->second;
  }
  std::string token = AddPrincipal(org + "_all", org, {"reporter", "analyst", "relay", "duty_officer"});
  std::lock_guard lock(mutex_);
  tokens_[org] = token;
  return token;
}

std::pair<int, std::string> TestServer::RunCli(const std::vector<std::string>& args) {
  std::vector<std::string> argv{Binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunToCompletion(argv);
  if (!r) return {-1, r.error().message};
  return {r->exit_code, r->out + r->err};
}

std::string TestServer::Log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> TestServer::Bodies() const {
  std::lock_guard lock(mutex_);
  return bodies_;
}

}  // namespace infrashare::testing
