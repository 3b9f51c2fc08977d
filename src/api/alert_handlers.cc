// /api/v1/alerts, /api/v1/webhooks, /api/v1/stream.
#include "api/alert_handlers.h"

#include <fmt/format.h>

#include <atomic>

#include "api/handler_support.h"
#include "common/parse.h"
#include "domain/alert/alert_json.h"
#include "service/background_work.h"

namespace infrashare {
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
    "data: {\"reason\":\"slow_consumer\",\"detail\":\"this client did not read its events fast enough and was "
    "disconnected; reconnect with Last-Event-ID to receive what it missed\"}\n\n";

HttpResponse Stream(Services& s, const StreamLimits& limits, const HttpRequest& req, const Caller& caller) {
  if (s.background == nullptr)
    return ProblemResponse(Error{ErrorCode::kUnavailable, "the event stream is not running in this process", ""});
  // Last-Event-ID: the header a reconnecting EventSource sends, or the
  // query parameter for a first connection that resumes.
  std::optional<int64_t> last;
  std::string last_text = req.Header("last-event-id");
  std::string field = "Last-Event-ID";
  for (const auto& [name, value] : req.query) {
    if (name != "last_event_id") return ProblemResponse(Error{ErrorCode::kInvalidArgument,
                                                              "is not a known query parameter (last_event_id)", name});
    if (last_text.empty()) {
      last_text = value;
      field = "last_event_id";
    }
  }
  if (!last_text.empty()) {
    auto v = ParseInteger(last_text, field, 0, INT64_MAX);
    if (!v) return ProblemResponse(Error{ErrorCode::kInvalidArgument, "must be an event id (an integer >= 0)", field});
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
  body->on_open = [&hub, subscription, org = caller.organization->id, at = *position](
                      std::shared_ptr<StreamWriter> writer) {
    subscription->store(hub.Attach(org, at, std::make_shared<HttpStreamSink>(std::move(writer))));
  };
  body->on_close = [&hub, subscription](std::string_view) {
    if (uint64_t id = subscription->load(); id != 0) hub.Detach(id);
  };
  HttpResponse response{.status = 200, .content_type = "text/event-stream"};
  response.stream = std::move(body);
  return response;
}

}  // namespace

void AddAlertRoutes(Router& router, Services& s, StreamLimits limits) {
  router.Add("POST", "/api/v1/alerts",
             "Raise a hotline alert by hand (NISC, a ministry, a CEPTOAR secretariat or a security agency; "
             "duty_officer or analyst role); answers the alert with a summary, its recipients at the Location",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 return WithJsonBody(req, [&](const Json& body) {
                   auto r = s.alerts.Raise(caller, body);
                   if (!r) return ProblemResponse(r.error());
                   // The alert and how many it reaches; its rows (thousands for
                   // an alert to everyone) are at the Location.
                   Json created = AlertHeadToJson(*r);
                   created["summary"] = AlertSummary(*r);
                   HttpResponse resp = JsonResponse(201, created.dump());
                   resp.headers.emplace_back("Location", "/api/v1/alerts/" + r->id);
                   return resp;
                 });
               });
             });
  router.Add("GET", "/api/v1/alerts",
             "List the alerts the caller's organization raised or received (NISC: all), newest first "
             "(cursor, limit)",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 auto page = s.alerts.List(caller, req.query);
                 if (!page) return ProblemResponse(page.error());
                 Json items = Json::array();
                 for (const auto& a : page->items) items.push_back(AlertReadJson(a, false));
                 Json body{{"items", std::move(items)}};
                 body["next_cursor"] = page->next_cursor ? Json(*page->next_cursor) : Json(nullptr);
                 return JsonResponse(200, body.dump());
               });
             });
  router.Add("GET", "/api/v1/alerts/{id}",
             "One alert with its recipients' delivery and acknowledgement states (a recipient sees its own row)",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 auto r = s.alerts.Get(caller, req.path_params.at("id"));
                 if (!r) return ProblemResponse(r.error());
                 return JsonResponse(200, AlertReadJson(*r, true).dump());
               });
             });
  router.Add("POST", "/api/v1/alerts/{id}/ack", "Acknowledge an alert for the caller's organization (a recipient)",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 return WithJsonBody(req, [&](const Json& body) {
                   auto r = s.alerts.Acknowledge(caller, req.path_params.at("id"), body);
                   if (!r) return ProblemResponse(r.error());
                   return JsonResponse(200, RecipientToJson(*r).dump());
                 });
               });
             });

  router.Add("POST", "/api/v1/webhooks",
             "Register a webhook endpoint for the caller's organization (admin); the answer shows its signing "
             "secret once",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 return WithJsonBody(req, [&](const Json& body) {
                   auto r = s.webhooks.Register(caller, body);
                   if (!r) return ProblemResponse(r.error());
                   HttpResponse resp = JsonResponse(201, WebhookToJson(*r, /*with_secret=*/true).dump());
                   resp.headers.emplace_back("Location", "/api/v1/webhooks/" + r->id);
                   return resp;
                 });
               });
             });
  router.Add("GET", "/api/v1/webhooks", "The caller's organization's webhooks", [&s](const HttpRequest& req) {
    return WithCaller(s, req, [&](const Caller& caller) {
      auto r = s.webhooks.List(caller);
      if (!r) return ProblemResponse(r.error());
      Json items = Json::array();
      for (const auto& h : *r) items.push_back(WebhookToJson(h, false));
      return JsonResponse(200, Json{{"items", std::move(items)}}.dump());
    });
  });
  router.Add("DELETE", "/api/v1/webhooks/{id}", "Disable a webhook (admin); its delivery log stays",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 auto r = s.webhooks.Disable(caller, req.path_params.at("id"));
                 if (!r) return ProblemResponse(r.error());
                 return JsonResponse(200, WebhookToJson(*r, false).dump());
               });
             });
  router.Add("GET", "/api/v1/webhooks/{id}/deliveries",
             "A webhook's delivery log, newest first: attempts, last status and error (cursor, limit)",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 auto r = s.webhooks.Deliveries(caller, req.path_params.at("id"), req.query);
                 if (!r) return ProblemResponse(r.error());
                 Json items = Json::array();
                 for (const auto& d : r->first) items.push_back(WebhookDeliveryToJson(d));
                 Json body{{"items", std::move(items)}};
                 body["next_cursor"] = r->second ? Json(*r->second) : Json(nullptr);
                 return JsonResponse(200, body.dump());
               });
             });

  router.Add("GET", "/api/v1/stream",
             "Server-Sent Events: every event the caller's organization may see (reports, alerts, "
             "acknowledgements), with ids; resume with Last-Event-ID",
             [&s, limits](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 if (auto r = caller.RequireAuthenticated(); !r) return ProblemResponse(r.error());
                 return Stream(s, limits, req, caller);
               });
             });
}

}  // namespace infrashare
