// A webhook receiver for tests and benchmarks: an HTTP/1.1 server on
// 127.0.0.1 that records every request and answers as it is told — at once
// with 200 or 500, after a delay, or never (it holds the connection open
// until it is stopped). Paths are free: many webhooks can share one receiver
// and be told apart by path.
//
//   WebhookReceiver receiver;                      // listens on a free port
//   receiver.SetBehaviour("/hang", {.mode = WebhookReceiver::Mode::kHang});
//   ... "http://127.0.0.1:" + std::to_string(receiver.port()) + "/ok"
//   receiver.WaitFor([](auto& all) { return all.size() >= 3; }, 10s);
//
// Thread behaviour: thread-safe. Runs its own io threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace infrashare {

class WebhookReceiver {
 public:
  enum class Mode { kOk, kFail, kHang, kSlow };
  struct Behaviour {
    Mode mode = Mode::kOk;
    std::chrono::milliseconds delay{0};  // kSlow: answer 200 after this
    int status = 500;                    // kFail: this status
  };
  struct Request {
    std::string path;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::chrono::steady_clock::time_point at;
  };

  explicit WebhookReceiver(int threads = 2);
  ~WebhookReceiver();

  uint16_t port() const;
  std::string Url(const std::string& path) const;  // "http://127.0.0.1:<port><path>"

  // How requests to `path` (exact) are answered; others: kOk.
  void SetBehaviour(const std::string& path, Behaviour behaviour);

  std::vector<Request> Requests() const;  // every request so far, in arrival order
  size_t Count() const;
  // Waits until `done(requests)` holds or `timeout` passes; returns whether it held.
  bool WaitFor(const std::function<bool(const std::vector<Request>&)>& done, std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace infrashare
