#include "api/stream_handlers.h"

#include <atomic>
#include <memory>
#include <string_view>

#include "http/problem.h"

namespace infrashare::api {
namespace {

// The HTTP layer's writer as the hub's sink.
class HttpStreamSink final : public StreamSink {
 public:
  explicit HttpStreamSink(std::shared_ptr<StreamWriter> writer) : writer_(std::move(writer)) {}
  bool Send(std::string_view text) override { return writer_->Send(text); }
  void Close(std::string_view final_text) override { writer_->Close(final_text); }
  size_t buffered_bytes() const override { return writer_->buffered_bytes(); }

 private:
  std::shared_ptr<StreamWriter> writer_;
};

// What a client that was cut off reads last, before the connection closes.
constexpr std::string_view kSlowConsumerEvent =
    "event: error\n"
    "data: {\"reason\":\"slow_consumer\",\"detail\":\"this client did not read its events fast enough and "
    "was disconnected; reconnect with Last-Event-ID to receive what it missed\"}\n\n";

// A stream body that attaches to the hub once the connection is open and
// detaches when it closes.
std::shared_ptr<StreamBody> StreamBodyFor(const StreamService& stream, StreamStart start,
                                          const StreamLimits& limits) {
  auto subscription = std::make_shared<std::atomic<uint64_t>>(0);
  auto body = std::make_shared<StreamBody>();
  body->max_buffered_bytes = limits.max_buffered_bytes;
  body->heartbeat = limits.heartbeat;
  body->overflow_text = std::string(kSlowConsumerEvent);
  body->initial_text = "retry: 2000\n\n";
  body->on_open = [&stream, subscription, start = std::move(start)](std::shared_ptr<StreamWriter> writer) {
    subscription->store(stream.Attach(start, std::make_shared<HttpStreamSink>(std::move(writer))));
  };
  body->on_close = [&stream, subscription](std::string_view) { stream.Detach(subscription->load()); };
  return body;
}

}  // namespace

HttpResponse OpenStream(const ApiCall& call) {
  auto start =
      call.services.stream.Start(call.caller, call.request.Header("last-event-id"), call.request.query);
  if (!start) return ProblemResponse(start.error());
  HttpResponse response{.status = 200, .content_type = "text/event-stream"};
  response.stream = StreamBodyFor(call.services.stream, std::move(*start), call.stream_limits);
  return response;
}

}  // namespace infrashare::api
