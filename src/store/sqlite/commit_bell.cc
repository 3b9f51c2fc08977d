#include "store/sqlite/commit_bell.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace infrashare::sqlite {
namespace {

// A touch changes the file's times (IN_ATTRIB); a write by anything else
// counts too.
constexpr uint32_t kEvents = IN_ATTRIB | IN_MODIFY;

}  // namespace

Result<std::unique_ptr<CommitBell>> CommitBell::Open(const std::string& database_path) {
  const std::string path = database_path + "-outbox";
  const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (file < 0) return Unavailable(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  return std::unique_ptr<CommitBell>(new CommitBell(file, path));
}

CommitBell::CommitBell(int file, std::string path) : file_(file), path_(std::move(path)) {}

CommitBell::~CommitBell() {
  if (thread_.joinable()) {
    const uint64_t one = 1;
    if (::write(stop_fd_, &one, sizeof one) < 0) spdlog::error("commit bell: cannot stop: {}", std::strerror(errno));
    thread_.join();
  }
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
  ::close(file_);
}

void CommitBell::Ring() {
  if (::futimens(file_, nullptr) != 0) spdlog::debug("commit bell: {}: {}", path_, std::strerror(errno));
}

Result<void> CommitBell::Listen(std::function<void()> on_ring) {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return Internal("the commit bell is already listened to");
  const int in = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (in < 0) return Unavailable(fmt::format("inotify: {}", std::strerror(errno)));
  if (::inotify_add_watch(in, path_.c_str(), kEvents) < 0) {
    const int err = errno;
    ::close(in);
    return Unavailable(fmt::format("inotify cannot watch {}: {}", path_, std::strerror(err)));
  }
  const int stop = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop < 0) {
    const int err = errno;
    ::close(in);
    return Unavailable(fmt::format("eventfd: {}", std::strerror(err)));
  }
  inotify_fd_ = in;
  stop_fd_ = stop;
  on_ring_ = std::move(on_ring);
  thread_ = std::thread([this] { Run(); });
  return {};
}

void CommitBell::Run() {
  alignas(inotify_event) std::array<char, 4096> buffer;
  std::array<pollfd, 2> fds{pollfd{.fd = stop_fd_, .events = POLLIN, .revents = 0},
                            pollfd{.fd = inotify_fd_, .events = POLLIN, .revents = 0}};
  while (true) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("commit bell: poll: {}; other processes' commits are seen by polling only", std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) return;
    while (::read(inotify_fd_, buffer.data(), buffer.size()) > 0) {
    }
    on_ring_();
  }
}

}  // namespace infrashare::sqlite
