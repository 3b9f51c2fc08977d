// A small blocking Server-Sent Events client for tests: one GET, then the
// events of the response one at a time.
//
//   auto client = SseClient::Connect(port, "/api/v1/events",
//                                    {{"Authorization", "Bearer " + token}, {"Last-Event-ID", "41"}});
//   ASSERT_TRUE(client) << client.error().message;   // transport failure only
//   ASSERT_EQ(client->status(), 200) << client->body();
//   auto event = client->Next(std::chrono::seconds(5));  // nullopt: nothing in time, or ended
//   ASSERT_TRUE(event);
//   EXPECT_EQ(event->event, "report");
//
// Errors: Connect fails (kUnavailable, with the reason) only when no response
// header arrived. Any status is a successful connection; a response that is
// not text/event-stream is read whole into body() and counts as closed().
//
// Parsing follows the EventSource rules for what our server sends: lines end
// with LF or CRLF; comments (":" lines, e.g. heartbeats) are counted and
// skipped; "data" lines are joined with LF; an event is dispatched at a blank
// line if it had a data field. `retry` is remembered; unknown fields ignored.
//
// Cost: each client has its own io_context (two file descriptors besides the
// socket) and a 4 KiB buffer: fine for tests, not meant for holding
// thousands of streams in a benchmark.
//
// Thread behaviour: not thread-safe; one client per thread. Not copyable;
// movable.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace infrashare {

struct SseMessage {
  std::string id;     // this event's own "id" field ("" when it had none)
  std::string event;  // the event's "event" field ("" means "message")
  std::string data;
};

class SseClient {
 public:
  // Connects to 127.0.0.1:`port`, sends `GET target` with `headers` (plus
  // Host and `Accept: text/event-stream`) and reads the response header.
  // `timeout` bounds connecting and the header.
  static Result<SseClient> Connect(uint16_t port, std::string_view target,
                                   const std::map<std::string, std::string>& headers = {},
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

  ~SseClient();
  SseClient(SseClient&&) noexcept;
  SseClient& operator=(SseClient&&) noexcept;

  int status() const;
  // The response header's value (case-insensitive name), or "" when absent.
  std::string Header(std::string_view name) const;
  // The body of a response that was not an event stream (e.g. problem+json).
  const std::string& body() const;

  // The next event, waiting at most `timeout`; nullopt on timeout or when the
  // stream has ended (see closed()). The connection stays usable after a
  // timeout.
  std::optional<SseMessage> Next(std::chrono::milliseconds timeout);

  // True once the server ended the stream (last chunk, or connection closed)
  // and every event received has been returned by Next.
  bool closed() const;
  // Comment lines received so far (": keep-alive" heartbeats among them).
  size_t comments() const;
  // The last "retry" value received, or nullopt.
  std::optional<long> retry() const;

  // Closes the connection at once (the server sees the client leave).
  void Close();

 private:
  class Impl;
  explicit SseClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace infrashare
