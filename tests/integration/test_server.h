// A real infrashare server for integration tests: a fresh data directory,
// `infrashare init` (the plan's registry), `infrashare serve` on a free
// loopback port, and helpers to create organizations, principals and tokens
// through the admin API. Every response body the tests receive is recorded,
// so anonymity tests can search all of them.
//
// With env INFRASHARE_TEST_DATABASE=postgres the server runs on PostgreSQL
// instead: a fresh database on the cluster named by INFRASHARE_TEST_PG
// (scripts/pg-test-cluster.sh), created with psql and dropped at the end
// (kept, like the data directory, when the test failed). Without
// INFRASHARE_TEST_PG the constructor throws "skipped: …" (ctest reports the
// test as skipped), or, when env CI is set, a plain failure.
//
// The binary is this build's, or the one env INFRASHARE_TEST_BINARY names
// (scripts/sanitize.sh runs the bad-input tests against a sanitizer build).
//
// StartAnother starts a further `serve` process on the same database (the
// multi-process tests: several stateless processes on one PostgreSQL);
// CallAt talks to it.
#pragma once

#include <memory>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/json.h"
#include "support/server_process.h"

namespace infrashare::testing {

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  Json json() const;  // the body parsed; null when it is not JSON
};

class TestServer {
 public:
  // `config_toml`: a configuration file for `serve --config` (e.g. short
  // hotline timeouts); empty for none.
  explicit TestServer(std::string config_toml = "");
  ~TestServer();

  // Starts (or restarts, after Kill9) the server on the same data directory.
  void Start();
  void Kill9();
  void Terminate();
  // Starts one more server process on the same database and configuration,
  // on a port of its own, logging to a file of its own in the data
  // directory; it is killed (SIGKILL) when the handle goes. Meant for
  // PostgreSQL (SQLite allows one serving process per database). Throws
  // when it does not start.
  ServerProcess StartAnother();

  Reply Call(const std::string& method, const std::string& target, const std::string& token = "",
             const std::string& body = "", const std::string& content_type = "application/json");
  Reply Call(const std::string& method, const std::string& target, const std::string& token, const Json& body);
  // The same, to the server process listening on `port` (StartAnother's).
  Reply CallAt(uint16_t port, const std::string& method, const std::string& target, const std::string& token = "",
               const std::string& body = "", const std::string& content_type = "application/json");
  Reply CallAt(uint16_t port, const std::string& method, const std::string& target, const std::string& token,
               const Json& body);

  // Adds an organization and returns nothing; fails the test on error.
  void AddOrganization(const Json& org);
  // Adds a principal of `org` with `roles` and returns a new token for it.
  std::string AddPrincipal(const std::string& id, const std::string& org, const std::vector<std::string>& roles,
                           const std::string& name = "");
  // The token of a principal with every role in `org` ("<org>_all"), created once.
  std::string TokenFor(const std::string& org);

  // Runs the binary with these arguments (e.g. {"audit", "verify", "--data", dir}).
  std::pair<int, std::string> RunCli(const std::vector<std::string>& args);

  // The arguments that name this server's database: {"--data", dir} or
  // {"--database", url}.
  std::vector<std::string> DatabaseArgs() const;
  // Runs SQL on the database behind the server's back (sqlite3 or psql);
  // fails the test on error.
  void ExecSql(const std::string& sql);

  const std::string& admin_token() const { return admin_token_; }
  const std::string& data_dir() const { return data_dir_; }
  uint16_t port() const { return port_; }
  std::string Log() const;                    // everything the server wrote (not StartAnother's)
  std::vector<std::string> Bodies() const;    // every response body received so far

  // True when the tests run on PostgreSQL (env INFRASHARE_TEST_DATABASE).
  static bool OnPostgres();

 private:
  // `serve` on this database, listening on 127.0.0.1:`port`.
  std::vector<std::string> ServeArgs(uint16_t port) const;

  std::string data_dir_;
  std::string pg_cluster_, pg_name_, pg_url_;  // PostgreSQL mode only
  std::string log_path_;
  std::string config_path_;  // empty: no --config
  std::string admin_token_;
  uint16_t port_ = 0;
  int others_ = 0;  // processes StartAnother started
  std::unique_ptr<ServerProcess> process_;
  mutable std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace infrashare::testing
