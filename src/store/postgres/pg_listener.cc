#include "store/postgres/pg_listener.h"

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "store/postgres/pg_tuning.h"

namespace infrashare::postgres {

Result<std::unique_ptr<OutboxListener>> OutboxListener::Start(std::string url, std::function<void()> on_notify) {
  const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) return Unavailable(fmt::format("cannot start the outbox listener: eventfd: {}", std::strerror(errno)));
  return std::make_unique<OutboxListener>(std::move(url), std::move(on_notify), fd);
}

OutboxListener::OutboxListener(std::string url, std::function<void()> on_notify, int stop_fd)
    : url_(std::move(url)), on_notify_(std::move(on_notify)), stop_fd_(stop_fd) {
  thread_ = std::thread([this] { Run(); });
}

OutboxListener::~OutboxListener() {
  stopping_ = true;
  const uint64_t one = 1;
  if (write(stop_fd_, &one, sizeof one) < 0)
    spdlog::error("postgres outbox listener: cannot wake the thread to stop: {}", std::strerror(errno));
  thread_.join();
  close(stop_fd_);
}

bool OutboxListener::Sleep(std::chrono::milliseconds wait) {
  pollfd stop{.fd = stop_fd_, .events = POLLIN, .revents = 0};
  while (poll(&stop, 1, int(wait.count())) < 0 && errno == EINTR) {
  }
  return !stopping_;
}

void OutboxListener::Run() {
  static const std::string listen = fmt::format("LISTEN {}", kOutboxChannel);
  auto backoff = kListenBackoff;
  bool reported = false;  // the current outage was logged
  while (!stopping_) {
    auto conn = Connection::Open(url_);
    Result<void> listening = conn ? (*conn)->Run(listen, "listen for outbox events")
                                  : Result<void>(std::unexpected(conn.error()));
    if (stopping_) return;
    if (listening) {
      if (reported) spdlog::info("postgres outbox listener: listening again");
      reported = false;
      backoff = kListenBackoff;
      on_notify_();  // whatever was committed while nobody listened
      if (Listen(**conn) == End::kStopping) return;
      spdlog::warn("postgres outbox listener: the connection was lost; reconnecting (until then, "
                   "events of other processes arrive at the next poll)");
      reported = true;
    } else if (!reported) {
      spdlog::warn("postgres outbox listener: {}; retrying", listening.error().message);
      reported = true;
    }
    if (!Sleep(backoff)) return;
    backoff = std::min(backoff * 2, kListenBackoffCap);
  }
}

OutboxListener::End OutboxListener::Listen(Connection& conn) {
  PGconn* pg = conn.handle();
  auto take = [&] {  // true when a notification was waiting
    bool any = false;
    while (PGnotify* n = PQnotifies(pg)) {
      PQfreemem(n);
      any = true;
    }
    return any;
  };
  if (take()) on_notify_();  // arrived with the LISTEN's answer
  const int idle_ms = int(std::chrono::duration_cast<std::chrono::milliseconds>(kListenIdleCheck).count());
  while (true) {
    pollfd fds[2] = {{.fd = PQsocket(pg), .events = POLLIN, .revents = 0},
                     {.fd = stop_fd_, .events = POLLIN, .revents = 0}};
    const int n = poll(fds, 2, idle_ms);
    if (stopping_ || fds[1].revents != 0) return End::kStopping;
    if (n < 0) {
      if (errno == EINTR) continue;
      spdlog::error("postgres outbox listener: poll: {}", std::strerror(errno));
      return End::kLost;
    }
    if (n == 0) {  // idle: is the connection still there?
      if (!conn.Run("SELECT 1", "check the listener's connection")) return End::kLost;
    } else if (PQconsumeInput(pg) == 0) {
      return End::kLost;
    }
    if (take()) on_notify_();
    if (conn.Broken()) return End::kLost;
  }
}

}  // namespace infrashare::postgres
