#include "store/sqlite/wal_watcher.h"

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace infrashare::sqlite {
namespace {

constexpr uint32_t kEvents = IN_MODIFY;

}  // namespace

Result<std::unique_ptr<WalWatcher>> WalWatcher::Start(const std::string& database_path,
                                                      std::function<void()> on_change) {
  const std::string wal = std::filesystem::absolute(database_path).string() + "-wal";
  const int in = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (in < 0) return Unavailable(fmt::format("inotify: {}", std::strerror(errno)));
  // The log itself, not its directory (where logs and exports are written
  // too): it exists while any connection has the database open, as the
  // caller's store does.
  if (::inotify_add_watch(in, wal.c_str(), kEvents) < 0) {
    const int err = errno;
    ::close(in);
    return Unavailable(fmt::format("inotify cannot watch {}: {}", wal, std::strerror(err)));
  }
  const int stop = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop < 0) {
    const int err = errno;
    ::close(in);
    return Unavailable(fmt::format("eventfd: {}", std::strerror(err)));
  }
  std::unique_ptr<WalWatcher> w(new WalWatcher(in, stop, wal, std::move(on_change)));
  w->thread_ = std::thread([p = w.get()] { p->Run(); });
  return w;
}

WalWatcher::WalWatcher(int inotify_fd, int stop_fd, std::string wal_path, std::function<void()> on_change)
    : inotify_fd_(inotify_fd), stop_fd_(stop_fd), wal_path_(std::move(wal_path)), on_change_(std::move(on_change)) {}

WalWatcher::~WalWatcher() {
  const uint64_t one = 1;
  if (::write(stop_fd_, &one, sizeof one) < 0) spdlog::error("wal watcher: cannot stop: {}", std::strerror(errno));
  if (thread_.joinable()) thread_.join();
  ::close(inotify_fd_);
  ::close(stop_fd_);
}

WalWatcher::Wait WalWatcher::SleepThenDrain(int timeout_ms) {
  std::array<pollfd, 2> fds{pollfd{.fd = stop_fd_, .events = POLLIN, .revents = 0},
                            pollfd{.fd = inotify_fd_, .events = POLLIN, .revents = 0}};
  // With a timeout only the stop ends the sleep early; without one, the
  // first change does.
  const nfds_t watched = timeout_ms < 0 ? 2 : 1;
  while (::poll(fds.data(), watched, timeout_ms) < 0) {
    if (errno == EINTR) continue;
    spdlog::error("wal watcher: poll: {}; other processes' commits are seen by polling only", std::strerror(errno));
    return Wait::kStop;
  }
  if (fds[0].revents != 0) return Wait::kStop;
  alignas(inotify_event) std::array<char, 16 * 1024> buffer;
  bool changed = false;
  while (true) {
    const ssize_t n = ::read(inotify_fd_, buffer.data(), buffer.size());
    if (n <= 0) break;  // EAGAIN: drained
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
      // The watch ended with the file (every connection of every process
      // closed it): watched again once it is back. Either way, and when the
      // queue overflowed, something may have changed.
      if ((event->mask & IN_IGNORED) != 0) watching_ = false;
      changed = true;
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  return changed ? Wait::kChanged : Wait::kQuiet;
}

void WalWatcher::Run() {
  // A commit becomes visible to readers after its last write to the log, the
  // log's fsync and an update of the shared index — the last two unseen by
  // inotify. So a change is told at once and again after quiet intervals,
  // the last well after any fsync; while writes go on, once per interval.
  constexpr std::array<int, 3> kFollowUpsMs{5, 20, 80};
  while (true) {
    if (!watching_) watching_ = ::inotify_add_watch(inotify_fd_, wal_path_.c_str(), kEvents) >= 0;
    const Wait first = SleepThenDrain(watching_ ? -1 : 1000);
    if (first == Wait::kStop) return;
    if (first == Wait::kQuiet) continue;
    on_change_();
    for (size_t quiet = 0; quiet < kFollowUpsMs.size();) {
      const Wait next = SleepThenDrain(kFollowUpsMs[quiet]);
      if (next == Wait::kStop) return;
      on_change_();
      quiet = next == Wait::kChanged ? 0 : quiet + 1;
    }
  }
}

}  // namespace infrashare::sqlite
