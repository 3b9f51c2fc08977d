// /api/v1/alerts, /api/v1/webhooks, /api/v1/stream.
#include "api/alert_handlers.h"

#include <fmt/format.h>

#include <atomic>

#include "api/handler_support.h"
#include "common/parse.h"
#include "domain/alert/alert_json.h"
#include "service/background_work.h"

namespace infrashare::api {
namespace {

Json AlertReadJson(const AlertRead& read, bool with_summary) {
  Json j = AlertToJson(read.alert);
  if (with_summary && read.every_recipient) j["summary"] = AlertSummary(read.alert);
  return j;
}

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
    "was "
    "disconnected; reconnect with Last-Event-ID to receive what it missed\"}\n\n";

HttpResponse OpenStreamFor(Services& s, const StreamLimits& limits, const HttpRequest& req,
                           const Caller& caller) {
  if (s.background == nullptr)
    return ProblemResponse(
        Error{ErrorCode::kUnavailable, "the event stream is not running in this process", ""});
  // Last-Event-ID: the header a reconnecting EventSource sends, or the
  // query parameter for a first connection that resumes.
  std::optional<int64_t> last;
  std::string last_text = req.Header("last-event-id");
  std::string field = "Last-Event-ID";
  for (const auto& [name, value] : req.query) {
    if (name != "last_event_id")
      return ProblemResponse(
          Error{ErrorCode::kInvalidArgument, "is not a known query parameter (last_event_id)", name});
    if (last_text.empty()) {
      last_text = value;
      field = "last_event_id";
    }
  }
  if (!last_text.empty()) {
    auto v = ParseInteger(last_text, field, 0, INT64_MAX);
    if (!v)
      return ProblemResponse(
          Error{ErrorCode::kInvalidArgument, "must be an event id (an integer >= 0)", field});
    last = *v;
  }
  StreamHub& hub = s.background->hub();
  auto position = hub.StartPosition(last);
  if (!position) {
    Error e = position.error();
    e.field = field;
    return ProblemResponse(e);
  }

  auto subscription = std::make_shared<std::atomic<uint64_t>>(0);
  auto body = std::make_shared<StreamBody>();
  body->max_buffered_bytes = limits.max_buffered_bytes;
  body->heartbeat = limits.heartbeat;
  body->overflow_text = std::string(kSlowConsumerEvent);
  body->initial_text = "retry: 2000\n\n";
  body->on_open = [&hub, subscription, org = caller.organization->id,
                   at = *position](std::shared_ptr<StreamWriter> writer) {
    subscription->store(hub.Attach(org, at, std::make_shared<HttpStreamSink>(std::move(writer))));
  };
  body->on_close = [&hub, subscription](std::string_view) {
    if (uint64_t id = subscription->load(); id != 0) hub.Detach(id);
  };
  HttpResponse response{.status = 200, .content_type = "text/event-stream"};
  response.stream = std::move(body);
  return response;
}

const std::string& Id(const ApiCall& call) { return call.request.path_params.at("id"); }

}  // namespace

HttpResponse RaiseAlert(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto r = call.services.alerts.Raise(call.caller, body);
    if (!r) return ProblemResponse(r.error());
    // The alert and how many it reaches; its rows (thousands for an alert to
    // everyone) are at the Location.
    Json created = AlertHeadToJson(*r);
    created["summary"] = AlertSummary(*r);
    HttpResponse resp = JsonResponse(201, created.dump());
    resp.headers.emplace_back("Location", "/api/v1/alerts/" + r->id);
    return resp;
  });
}

HttpResponse ListAlerts(const ApiCall& call) {
  auto page = call.services.alerts.List(call.caller, call.request.query);
  if (!page) return ProblemResponse(page.error());
  Json items = Json::array();
  for (const auto& a : page->items) items.push_back(AlertReadJson(a, false));
  return JsonResponse(200, Page(std::move(items), page->next_cursor).dump());
}

HttpResponse GetAlert(const ApiCall& call) {
  auto r = call.services.alerts.Get(call.caller, Id(call));
  if (!r) return ProblemResponse(r.error());
  return JsonResponse(200, AlertReadJson(*r, true).dump());
}

HttpResponse AcknowledgeAlert(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto r = call.services.alerts.Acknowledge(call.caller, Id(call), body);
    if (!r) return ProblemResponse(r.error());
    return JsonResponse(200, RecipientToJson(*r).dump());
  });
}

HttpResponse RegisterWebhook(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto r = call.services.webhooks.Register(call.caller, body);
    if (!r) return ProblemResponse(r.error());
    HttpResponse resp = JsonResponse(201, WebhookToJson(*r, /*with_secret=*/true).dump());
    resp.headers.emplace_back("Location", "/api/v1/webhooks/" + r->id);
    return resp;
  });
}

HttpResponse ListWebhooks(const ApiCall& call) {
  auto r = call.services.webhooks.List(call.caller);
  if (!r) return ProblemResponse(r.error());
  Json items = Json::array();
  for (const auto& h : *r) items.push_back(WebhookToJson(h, false));
  return JsonResponse(200, Items(std::move(items)).dump());
}

HttpResponse DisableWebhook(const ApiCall& call) {
  auto r = call.services.webhooks.Disable(call.caller, Id(call));
  if (!r) return ProblemResponse(r.error());
  return JsonResponse(200, WebhookToJson(*r, false).dump());
}

HttpResponse ListWebhookDeliveries(const ApiCall& call) {
  auto r = call.services.webhooks.Deliveries(call.caller, Id(call), call.request.query);
  if (!r) return ProblemResponse(r.error());
  Json items = Json::array();
  for (const auto& d : r->first) items.push_back(WebhookDeliveryToJson(d));
  return JsonResponse(200, Page(std::move(items), r->second).dump());
}

HttpResponse OpenStream(const ApiCall& call) {
  return OpenStreamFor(call.services, call.stream_limits, call.request, call.caller);
}

}  // namespace infrashare::api
