#include "support/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/http_client.h"

namespace infrashare {
namespace {

using Clock = std::chrono::steady_clock;

// How much of a server's log an error message quotes.
constexpr size_t kLogTailBytes = 2000;
constexpr std::chrono::milliseconds kPollInterval{50};

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    Reset();
    fd_ = std::exchange(other.fd_, -1);
    return *this;
  }
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// fork + exec with `out` and `err` as descriptors 1 and 2 and /dev/null as 0.
// Exec failures come back through a close-on-exec pipe, so the caller learns
// "no such file" instead of seeing exit code 127.
Result<pid_t> Spawn(const std::vector<std::string>& argv, int out, int err) {
  if (argv.empty()) return InvalidArgument("argv", "must name a program");
  // Everything the child needs is prepared before fork: after fork, only
  // async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const bool search_path = argv[0].find('/') == std::string::npos;
  Fd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  int status_pipe[2];
  if (null_in.get() < 0 || ::pipe2(status_pipe, O_CLOEXEC) != 0)
    return Unavailable(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  Fd status_read(status_pipe[0]), status_write(status_pipe[1]);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) return Unavailable(fmt::format("cannot start {}: fork: {}", argv[0], std::strerror(errno)));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(null_in.get(), 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    const int keep = status_write.get();
    if (keep > 3) ::close_range(3, keep - 1, 0);
    ::close_range(keep + 1, ~0U, 0);
    if (search_path)
      ::execvp(args[0], args.data());
    else
      ::execv(args[0], args.data());
    int error = errno;
    [[maybe_unused]] auto written = ::write(keep, &error, sizeof error);
    ::_exit(127);
  }
  status_write.Reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(status_read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof child_errno) {
    int status;
    ::waitpid(pid, &status, 0);
    return Unavailable(fmt::format("cannot start {}: {}", argv[0], std::strerror(child_errno)));
  }
  return pid;
}

std::string LogTail(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "(no log)";
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > static_cast<std::streamoff>(kLogTailBytes) ? size - kLogTailBytes : 0;
  in.seekg(start);
  std::string tail(static_cast<size_t>(size - start), '\0');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  return tail;
}

// HOST:PORT from "--listen HOST:PORT" or "--listen=HOST:PORT".
std::optional<std::pair<std::string, uint16_t>> ListenFromArgv(const std::vector<std::string>& argv) {
  std::string value;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--listen" && i + 1 < argv.size()) value = argv[i + 1];
    if (argv[i].starts_with("--listen=")) value = argv[i].substr(9);
  }
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = value.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "0.0.0.0" || host == "::") host = "127.0.0.1";
  int port = 0;
  try {
    port = std::stoi(value.substr(colon + 1));
  } catch (...) {
    return std::nullopt;
  }
  if (port <= 0 || port > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<uint16_t>(port));
}

// True when process `pid` holds a socket listening on TCP `port`: the
// health check's 200 then came from our child, not from another server that
// already had the port (the child would then fail to bind and exit).
bool ListensOn(pid_t pid, uint16_t port) {
  std::vector<std::string> inodes;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
      const size_t colon = local.rfind(':');
      if (state != "0A" || colon == std::string::npos) continue;  // 0A: LISTEN
      unsigned local_port = 0;
      std::from_chars(local.data() + colon + 1, local.data() + local.size(), local_port, 16);
      if (local_port == port) inodes.push_back("socket:[" + inode + "]");
    }
  }
  if (inodes.empty()) return false;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(fmt::format("/proc/{}/fd", pid), ec)) {
    std::error_code link_ec;
    auto target = std::filesystem::read_symlink(entry.path(), link_ec);
    if (!link_ec && std::ranges::find(inodes, target.string()) != inodes.end()) return true;
  }
  return false;
}

}  // namespace

Result<RunResult> RunToCompletion(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Unavailable(fmt::format("pipe: {}", std::strerror(errno)));
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return Unavailable(fmt::format("pipe: {}", std::strerror(errno)));
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);
  auto pid = INFRASHARE_TRY(Spawn(argv, out_write.get(), err_write.get()));
  out_write.Reset();
  err_write.Reset();

  RunResult result;
  auto deadline = Clock::now() + timeout;
  bool out_open = true, err_open = true;
  char chunk[65536];
  while (out_open || err_open) {
    pollfd fds[2] = {{out_open ? out_read.get() : -1, POLLIN, 0},
                     {err_open ? err_read.get() : -1, POLLIN, 0}};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      if (result.timed_out) break;  // killed a second ago and still not closed (a grandchild holds the pipe)
      ::kill(pid, SIGKILL);
      result.timed_out = true;
      deadline = Clock::now() + std::chrono::seconds(1);
      continue;
    }
    int ready = ::poll(fds, 2, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(chunk, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        (i == 0 ? out_open : err_open) = false;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = ExitCodeOf(status);
  return result;
}

std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n \t");
  if (end == std::string::npos) return {};
  size_t begin = text.find_last_of('\n', end);
  begin = begin == std::string::npos ? 0 : begin + 1;
  std::string line = text.substr(begin, end + 1 - begin);
  size_t first = line.find_first_not_of(" \t");
  return line.substr(first);
}

Result<ServerProcess> ServerProcess::Start(std::vector<std::string> argv, std::string log_path,
                                           ServerProcessOptions options) {
  if (argv.empty()) return InvalidArgument("argv", "must name a program");
  std::string host = options.host;
  uint16_t port = options.port;
  if (port == 0) {
    auto listen = ListenFromArgv(argv);
    if (!listen)
      return InvalidArgument("argv",
                             "no port: pass options.port or a --listen HOST:PORT argument with a port");
    host = listen->first;
    port = listen->second;
  }
  Fd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (log.get() < 0)
    return Unavailable(fmt::format("cannot open log {}: {}", log_path, std::strerror(errno)));
  auto pid = INFRASHARE_TRY(Spawn(argv, log.get(), log.get()));
  log.Reset();

  ServerProcess process(pid, host, port, log_path);
  HttpClient client(host, port, std::chrono::seconds(1));
  const auto deadline = Clock::now() + options.ready_timeout;
  std::string last = "no answer yet";
  while (true) {
    if (!process.Running())
      return Unavailable(fmt::format("{} exited with status {} before GET {} answered 200; log {} ends:\n{}",
                                     argv[0], process.exit_code_, options.health_path, log_path,
                                     LogTail(log_path)));
    auto res = client.Request("GET", options.health_path);
    if (res && res->status == 200) {
      if (ListensOn(process.pid(), port)) return process;
      res = Unavailable(fmt::format("another process answers on port {}", port));
    }
    last = res ? fmt::format("status {}", res->status) : res.error().message;
    if (Clock::now() >= deadline) {
      process.Kill9();
      return Unavailable(fmt::format(
          "{} did not answer GET {} with 200 within {} ms (last: {}); killed; log {} "
          "ends:\n{}",
          argv[0], options.health_path, options.ready_timeout.count(), last, log_path, LogTail(log_path)));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

uint16_t ServerProcess::FreePort() {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 0;
  socklen_t len = sizeof addr;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  return ntohs(addr.sin_port);
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      reaped_(other.reaped_),
      exit_code_(other.exit_code_),
      host_(std::move(other.host_)),
      port_(other.port_),
      log_path_(std::move(other.log_path_)) {}

ServerProcess& ServerProcess::operator=(ServerProcess&& other) noexcept {
  if (this != &other) {
    Kill9();
    pid_ = std::exchange(other.pid_, -1);
    reaped_ = other.reaped_;
    exit_code_ = other.exit_code_;
    host_ = std::move(other.host_);
    port_ = other.port_;
    log_path_ = std::move(other.log_path_);
  }
  return *this;
}

ServerProcess::~ServerProcess() { Kill9(); }

bool ServerProcess::Running() {
  if (pid_ < 0 || reaped_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  reaped_ = true;
  exit_code_ = r == pid_ ? ExitCodeOf(status) : -1;
  return false;
}

void ServerProcess::Kill9() {
  if (pid_ < 0 || reaped_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  exit_code_ = r == pid_ ? ExitCodeOf(status) : -1;
}

std::optional<int> ServerProcess::WaitForExit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Running()) {
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

Result<int> ServerProcess::Terminate(std::chrono::seconds timeout) {
  if (pid_ < 0) return InvalidArgument("", "no process");
  if (!Running()) return exit_code_;
  ::kill(pid_, SIGTERM);
  if (auto code = WaitForExit(timeout)) return *code;
  Kill9();
  return Unavailable(
      fmt::format("process {} did not exit within {} s of SIGTERM; killed", pid_, timeout.count()));
}

}  // namespace infrashare
