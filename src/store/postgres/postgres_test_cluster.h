// For tests: a fresh database on the test cluster named by env
// INFRASHARE_TEST_PG (scripts/pg-test-cluster.sh), dropped at the end.
//
// Without INFRASHARE_TEST_PG, ok() is false and SkipOrFail() skips the
// current test with a message saying how to run it — or fails it when env
// CI is set, so that CI never passes without the PostgreSQL tests.
//
// Thread behaviour: one test's thread; Exec/Value/TerminateConnections use
// their own connection each call.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <random>
#include <string>

namespace infrashare::postgres {

// The URL with its database name replaced:
// postgresql://u@h:5432/postgres?x=y -> postgresql://u@h:5432/NAME?x=y
inline std::string WithDatabase(const std::string& url, const std::string& name) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  const std::string head = path == std::string::npos ? url.substr(0, query) : url.substr(0, path);
  return head + "/" + name + tail;
}

class TestDatabase {
 public:
  TestDatabase() {
    const char* cluster = std::getenv("INFRASHARE_TEST_PG");
    if (cluster == nullptr || *cluster == '\0') return;
    cluster_ = cluster;
    std::random_device rd;
    name_ = fmt::format("t_{:08x}{:08x}", rd(), rd());
    AdminExec(fmt::format("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0", name_));
    url_ = WithDatabase(cluster_, name_);
  }
  ~TestDatabase() {
    if (!url_.empty()) AdminExec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  bool ok() const { return !url_.empty(); }
  const std::string& url() const { return url_; }
  const std::string& cluster_url() const { return cluster_; }

  // Records a skip, or a fatal failure under CI (or when the cluster is set
  // but the database could not be made).
  static void SkipOrFail() {
    if (const char* cluster = std::getenv("INFRASHARE_TEST_PG"); cluster != nullptr && *cluster != '\0')
      GTEST_FAIL() << "INFRASHARE_TEST_PG is set but no test database could be created on it";
    if (const char* ci = std::getenv("CI"); ci != nullptr && *ci != '\0')
      GTEST_FAIL() << "INFRASHARE_TEST_PG is not set, and CI is: the PostgreSQL store tests must run in CI "
                      "(scripts/test.sh starts a cluster with scripts/pg-test-cluster.sh)";
    GTEST_SKIP() << "PostgreSQL tests skipped: INFRASHARE_TEST_PG is not set. Run "
                    "`scripts/pg-test-cluster.sh start && . build/pg-test.env` first (or scripts/test.sh)";
  }

  // Runs SQL on this database, as an operator with psql would.
  void Exec(const std::string& sql) { Run(url_, sql); }
  // The first column of the first row of `sql` on this database.
  std::string Value(const std::string& sql) { return Run(url_, sql); }
  // Ends every other connection to this database, as a server restart would.
  void TerminateConnections() {
    Run(cluster_, fmt::format("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE datname = '{}' AND pid <> pg_backend_pid()",
                              name_));
  }

 private:
  void AdminExec(const std::string& sql) { Run(cluster_, sql); }

  static std::string Run(const std::string& url, const std::string& sql) {
    PGconn* conn = PQconnectdb(url.c_str());
    std::string out;
    if (PQstatus(conn) != CONNECTION_OK) {
      ADD_FAILURE() << "cannot connect to the test cluster: " << PQerrorMessage(conn);
    } else {
      PGresult* r = PQexec(conn, sql.c_str());
      const ExecStatusType s = PQresultStatus(r);
      if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
      else if (s == PGRES_TUPLES_OK && PQntuples(r) > 0)
        out = PQgetvalue(r, 0, 0);
      PQclear(r);
    }
    PQfinish(conn);
    return out;
  }

  std::string cluster_, name_, url_;
};

}  // namespace infrashare::postgres
