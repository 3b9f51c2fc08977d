// Child processes for integration tests and benchmarks: run a command to
// completion and capture its output, or start the infrashare server and wait
// until it answers.
//
//   auto init = RunToCompletion({binary, "init", "--data", dir});
//   ASSERT_TRUE(init && init->exit_code == 0) << init->err;
//   uint16_t port = ServerProcess::FreePort();
//   auto server = ServerProcess::Start(
//       {binary, "serve", "--data", dir, "--listen", fmt::format("127.0.0.1:{}", port)}, dir +
//       "/server.log");
//   ASSERT_TRUE(server) << server.error().message;   // names the log, quotes its end
//   ... HttpClient client("127.0.0.1", server->port()); ...
//   server->Kill9();                      // or: EXPECT_EQ(*server->Terminate(), 0);
//
// Children are started with fork/exec (the program is looked up in PATH when
// argv[0] has no '/'), stdin from /dev/null and no inherited descriptors
// beyond 0-2. They are killed (SIGKILL) if the thread that started them
// ends (PR_SET_PDEATHSIG), so a crashed test run leaves no server behind:
// start them from a thread that outlives them, such as the test's main thread.
//
// Thread behaviour: a ServerProcess is used by one thread at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace infrashare {

struct RunResult {
  int exit_code = -1;      // the exit status, or 128 + signal number when killed by a signal
  std::string out;         // everything the program wrote to stdout
  std::string err;         // everything the program wrote to stderr
  bool timed_out = false;  // killed (SIGKILL) after the timeout
};

// Runs argv to completion, capturing stdout and stderr. Errors (kUnavailable):
// the program could not be started (the reason names argv[0]). A program that
// runs longer than `timeout` is killed and reported with timed_out.
Result<RunResult> RunToCompletion(const std::vector<std::string>& argv,
                                  std::chrono::seconds timeout = std::chrono::seconds(120));

// The last non-empty line of `text` ("" when there is none): how `infrashare
// init` hands over the first administrator token.
std::string LastLine(const std::string& text);

struct ServerProcessOptions {
  // Where the server listens. Port 0 means: take HOST:PORT from the
  // `--listen` argument in argv (a wildcard host is reached on 127.0.0.1).
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  // How long Start waits for `GET <health_path>` to answer 200.
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(20);
  std::string health_path = "/healthz";
};

class ServerProcess {
 public:
  // Starts argv with stdout and stderr appended to `log_path`, then waits
  // until the health check answers 200 and the child itself holds the
  // listening socket (so another server already on that port cannot pass for
  // it; argv must therefore run the server in this process, or exec it, not
  // fork it from a wrapper such as `timeout`). Errors: kInvalidArgument (no port
  // known, empty argv), kUnavailable (cannot start, exited early, not ready in
  // time: the child is then killed; the message quotes the log's last lines).
  static Result<ServerProcess> Start(std::vector<std::string> argv, std::string log_path,
                                     ServerProcessOptions options = {});

  // A port that was free a moment ago on 127.0.0.1 (bind to port 0, read it,
  // close). Another process may take it before the server binds; rare.
  static uint16_t FreePort();

  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&& other) noexcept;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  // Kills the server (SIGKILL) if it is still running.
  ~ServerProcess();

  pid_t pid() const { return pid_; }
  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  const std::string& log_path() const { return log_path_; }

  // True while the process has not exited (reaps it if it has).
  bool Running();

  // SIGKILL and reap: the crash that durability tests need. No-op if it has
  // already exited.
  void Kill9();

  // SIGTERM, then waits for the exit status (0 for a clean drain). After
  // `timeout` the process is killed and the result is an error (kUnavailable).
  // If the process had already exited, its status is returned.
  Result<int> Terminate(std::chrono::seconds timeout = std::chrono::seconds(30));

 private:
  ServerProcess(pid_t pid, std::string host, uint16_t port, std::string log_path)
      : pid_(pid), host_(std::move(host)), port_(port), log_path_(std::move(log_path)) {}

  // Waits up to `timeout` for the exit: the status, or nullopt if still running.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;       // -1 when moved from; kept after the process is reaped
  bool reaped_ = false;  // the exit status was collected (exit_code_ is valid)
  int exit_code_ = -1;
  std::string host_;
  uint16_t port_ = 0;
  std::string log_path_;
};

}  // namespace infrashare
