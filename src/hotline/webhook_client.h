// WebhookClient: sends webhook POSTs, many at once, each with its own
// deadline, and tells the caller how each one ended. It knows nothing of
// deliveries, retries or signatures (webhook_service.h does): a POST goes
// out, one answer comes back.
//
// Behaviour:
//  - One connection per POST (`Connection: close`): webhook receivers are
//    many and each sees few requests, so keep-alive would buy little and
//    would tie a slow receiver's connection state to others.
//  - Only addresses that Options::addresses permits are connected to: a host
//    that resolves to none of them fails ("... may not be reached: loopback")
//    without a packet sent to it. Redirects are not followed (a 3xx is the
//    answer).
//  - `timeout` covers the whole exchange: resolving the host (asynchronous
//    resolver; "localhost" and IP literals included), connecting, the TLS
//    handshake, sending, and reading the answer's header. A slow or hanging
//    receiver costs one socket and one timer, never a thread: other posts go
//    on meanwhile.
//  - https: TLS over OpenSSL, the peer's certificate verified against the
//    system's default CA paths and the URL's host name (SNI sent for names).
//  - The answer's status is what counts: its body is read (at most
//    kMaxWebhookAnswerBody bytes) and discarded. Once the status line and
//    headers have arrived the post reports that status even if the body is
//    then cut off, too long or slow.
//  - At most `max_in_flight` posts are on the network at once; later ones wait
//    in a FIFO queue and start as earlier ones finish.
//
// Thread behaviour: Post() and in_flight() are thread-safe and never block on
// the network. `done` runs on one of the client's threads: it must be quick
// and must not throw (a slow `done` holds up other posts' progress). It may
// call Post(). The client must not be destroyed from its own `done`.
//
// Example:
//   WebhookClient client({});
//   client.Post({.url = "https://hooks.example.jp/in", .body = R"({"x":1})",
//                .headers = {{"Infrashare-Signature", SignWebhook(secret, now, body)}}},
//               [](WebhookAnswer a) { if (a.status / 100 != 2) spdlog::warn("{}", a.error); });
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hotline/webhook_address.h"

namespace infrashare {

// The most of an answer's body that is read before the connection is closed.
inline constexpr size_t kMaxWebhookAnswerBody = 64 * 1024;

struct WebhookPost {
  std::string url;   // parsed by ParseWebhookUrl (webhook_url.h)
  std::string body;  // sent as Content-Type: application/json
  // Extra request headers, sent as given after Host, User-Agent,
  // Content-Type and Connection (one named like these replaces it). A name
  // or value with CR or LF fails the post ("bad header ...").
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10000};
};

struct WebhookAnswer {
  int status = 0;  // the HTTP status; 0: no HTTP answer
  // "" whenever there is an HTTP answer (whatever its status); otherwise what
  // went wrong, for a person: "bad URL: ...", "could not resolve ...",
  // "connection refused by HOST:PORT", "TLS handshake with HOST failed: ...",
  // "connection closed before an answer", "timeout after 10 s",
  // "client stopped", ...
  std::string error;
  // From the start of the exchange (after any wait in the queue) to its end.
  std::chrono::microseconds latency{};
};

class WebhookClient {
 public:
  struct Options {
    int threads = 2;              // network threads; `done` runs on them too
    size_t max_in_flight = 1024;  // posts on the network at once (sockets)
    // The addresses a post may connect to (webhook_address.h), asked of
    // every address the host resolves to; by default the public internet.
    WebhookAddressPolicy addresses;
  };

  explicit WebhookClient(Options options);
  // Stops: cancels the posts on the network and drops the queued ones; every
  // `done` not run yet runs (error "client stopped") before it returns.
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // POSTs `post` and calls `done` exactly once, on a client thread. Once the
  // client is stopping, `done` runs at once on the calling thread with
  // "client stopped".
  void Post(WebhookPost post, std::function<void(WebhookAnswer)> done);

  size_t in_flight() const;  // posts on the network now
  size_t queued() const;     // posts waiting for a slot

 private:
  class Core;
  std::unique_ptr<Core> core_;
};

}  // namespace infrashare
