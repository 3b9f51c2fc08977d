// A simple synchronous HTTP/1.1 client for integration tests and benchmark
// set-up: one keep-alive connection to one server, opened on first use and
// reopened when the server has closed it.
//
//   HttpClient client("127.0.0.1", port);
//   client.SetBearerToken(admin_token);
//   auto res = client.Request("POST", "/api/v1/reports", body);   // Result<Response>
//   ASSERT_TRUE(res) << res.error().message;                      // transport failure
//   EXPECT_EQ(res->status, 201) << res->body;
//
// Errors: the Result fails (kUnavailable, with the reason) only when no
// response arrived: cannot connect, timeout, connection lost. Any HTTP
// status, 4xx and 5xx included, is a successful Response.
//
// Retry: when a request on a reused connection fails before any byte of a
// response arrived (the server had closed the idle connection, or was
// restarted), it is sent once more on a fresh connection. A request that the
// server did receive and then died on could thus reach a restarted server
// twice; tests that count submissions across a restart should use a new
// client after the restart.
//
// Thread behaviour: not thread-safe; use one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/json.h"

namespace infrashare {

class HttpClient {
 public:
  struct Response {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names in lower case; repeated fields joined with ", "

    // The header's value (case-insensitive name), or "" when absent.
    std::string Header(std::string_view name) const;
    // The body parsed as JSON (kInvalidArgument if it is not JSON).
    Result<Json> JsonBody() const;
  };

  // `timeout` bounds each step (connect, send, receive) of a request.
  HttpClient(std::string host, uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Sends one request and reads its response. `headers` are added as given;
  // Host, Content-Length and (when a token is set) Authorization are added by
  // the client; Content-Type defaults to application/json when there is a
  // body and no Content-Type header.
  Result<Response> Request(std::string_view method, std::string_view target, std::string_view body = {},
                           const std::map<std::string, std::string>& headers = {});

  // Sent as `Authorization: Bearer TOKEN` on every later request unless the
  // request's own headers carry an Authorization. Empty clears it.
  void SetBearerToken(std::string token);

  // Closes the connection (the next request opens a new one).
  void Close();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace infrashare
