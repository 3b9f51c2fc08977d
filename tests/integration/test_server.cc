#include "integration/test_server.h"

#include <gtest/gtest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/http_client.h"

namespace infrashare::testing {

Json Reply::json() const {
  Json j = Json::parse(body, nullptr, false);
  return j.is_discarded() ? Json() : j;
}

namespace {

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "infrashare-it-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

thread_local std::unique_ptr<HttpClient> tls_client;
thread_local uint16_t tls_port = 0;

}  // namespace

TestServer::TestServer() {
  data_dir_ = MakeTempDir();
  log_path_ = data_dir_ + "/server.log";
  auto init = RunToCompletion({INFRASHARE_BINARY, "init", "--data", data_dir_, "--registry",
                               std::string(INFRASHARE_SOURCE_DIR) + "/data/registry/registry.toml"});
  if (!init || init->exit_code != 0)
    throw std::runtime_error("infrashare init failed: " + (init ? init->err : init.error().message));
  admin_token_ = LastLine(init->out);
  Start();
}

TestServer::~TestServer() {
  process_.reset();
  std::error_code ec;
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(data_dir_, ec);
}

void TestServer::Start() {
  port_ = ServerProcess::FreePort();
  auto p = ServerProcess::Start({INFRASHARE_BINARY, "serve", "--data", data_dir_, "--listen",
                                 fmt::format("127.0.0.1:{}", port_), "--workers", "16"},
                                log_path_);
  if (!p) throw std::runtime_error("server did not start: " + p.error().message);
  process_ = std::make_unique<ServerProcess>(std::move(*p));
}

void TestServer::Kill9() {
  if (process_) process_->Kill9();
}

void TestServer::Terminate() {
  if (process_) (void)process_->Terminate();
}

Reply TestServer::Call(const std::string& method, const std::string& target, const std::string& token,
                       const std::string& body, const std::string& content_type) {
  if (!tls_client || tls_port != port_) {
    tls_client = std::make_unique<HttpClient>("127.0.0.1", port_);
    tls_port = port_;
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
  std::vector<std::string> argv{INFRASHARE_BINARY};
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
