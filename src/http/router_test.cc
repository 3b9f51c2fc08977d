#include "http/router.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <tuple>

#include "common/json.h"

namespace infrashare {
namespace {

HttpRequest Request(std::string method, std::string path) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = path;
  r.path = std::move(path);
  return r;
}

// Answers with the route's name and its path parameters.
Handler Echo(std::string name) {
  return [name](const HttpRequest& r) {
    Json params = Json::object();
    for (const auto& [k, v] : r.path_params) params[k] = v;
    return JsonResponse(200, Json{{"route", name}, {"params", params}}.dump());
  };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add("GET", "/api/v1/reports", "List reports", Echo("list"));
    router_.Add("POST", "/api/v1/reports", "Submit a report", Echo("submit"));
    router_.Add("GET", "/api/v1/reports/{id}", "One report", Echo("get"));
    router_.Add("PATCH", "/api/v1/reports/{id}", "Update a report", Echo("patch"));
    router_.Add("GET", "/api/v1/reports/search", "Search", Echo("search"));
    router_.Add("GET", "/api/v1/reports/{id}/revisions/{rev}", "One revision", Echo("revision"));
    router_.Add("GET", "/", "Root", Echo("root"));
  }
  Json Dispatch(std::string method, std::string path) {
    HttpResponse r = router_.Dispatch(Request(std::move(method), std::move(path)));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body);
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoutesByMethod) {
  EXPECT_EQ(Dispatch("GET", "/api/v1/reports")["route"], "list");
  EXPECT_EQ(Dispatch("POST", "/api/v1/reports")["route"], "submit");
  EXPECT_EQ(Dispatch("GET", "/")["route"], "root");
}

TEST_F(RouterTest, FillsDecodedPathParams) {
  Json j = Dispatch("GET", "/api/v1/reports/r%2F1%20x/revisions/3");
  EXPECT_EQ(j["route"], "revision");
  EXPECT_EQ(j["params"], (Json{{"id", "r/1 x"}, {"rev", "3"}}));
}

TEST_F(RouterTest, LiteralSegmentWinsOverParameter) {
  EXPECT_EQ(Dispatch("GET", "/api/v1/reports/search")["route"], "search");
  EXPECT_EQ(Dispatch("GET", "/api/v1/reports/other")["route"], "get");
  // Only the parameter route accepts PATCH, so "search" is an id there.
  EXPECT_EQ(Dispatch("PATCH", "/api/v1/reports/search")["params"]["id"], "search");
}

TEST_F(RouterTest, UnknownPathIs404Problem) {
  for (std::string path :
       {"/api/v1/nothing", "/api/v1/reports/", "/api/v1/reports/x/y", "/api/v1//reports"}) {
    HttpResponse r = router_.Dispatch(Request("GET", path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_EQ(Json::parse(r.body)["detail"], "there is no endpoint at this path");
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  HttpResponse r = router_.Dispatch(Request("DELETE", "/api/v1/reports/r1"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, PATCH");
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(router_.Dispatch(Request("PUT", "/api/v1/reports")).Header("Allow"), "GET, POST");
}

TEST_F(RouterTest, BadEscapeInPathIs400) {
  HttpResponse r = router_.Dispatch(Request("GET", "/api/v1/reports/%zz"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["detail"], "the request target has a bad percent-escape");
}

TEST_F(RouterTest, ReportsWhichRouteAnswered) {
  DispatchResult hit = router_.DispatchWithRoute(Request("GET", "/api/v1/reports/r1"));
  ASSERT_NE(hit.route, nullptr);
  EXPECT_EQ(hit.route->pattern, "/api/v1/reports/{id}");
  EXPECT_EQ(router_.DispatchWithRoute(Request("GET", "/nope")).route, nullptr);
}

// A route with a non-blocking handler that answers only when the request
// carries "x-cached: yes", and counts how often each handler ran.
class NonBlockingRouteTest : public ::testing::Test {
 protected:
  NonBlockingRouteTest() {
    router_.Add(
        "POST", "/assess", "Preview",
        [this](const HttpRequest&) {
          ++blocking_calls_;
          return JsonResponse(200, R"({"from":"pool"})");
        },
        [this](const HttpRequest& r) -> std::optional<HttpResponse> {
          ++non_blocking_calls_;
          if (r.Header("x-cached") != "yes") return std::nullopt;
          return JsonResponse(200, R"({"from":"network thread"})");
        });
    router_.Add("GET", "/reports", "List", [this](const HttpRequest&) {
      ++blocking_calls_;
      return JsonResponse(200, "[]");
    });
  }
  HttpRequest Cached(HttpRequest r) {
    r.headers["x-cached"] = "yes";
    return r;
  }
  Router router_;
  int blocking_calls_ = 0;
  int non_blocking_calls_ = 0;
};

TEST_F(NonBlockingRouteTest, AnswersWithoutTheBlockingHandler) {
  HttpRequest request = Cached(Request("POST", "/assess"));
  RouteMatch match = router_.Match(request);
  ASSERT_NE(match.route, nullptr);
  EXPECT_TRUE(match.route->non_blocking);
  auto answer = router_.TryRunNonBlocking(match, request);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->response.body, R"({"from":"network thread"})");
  EXPECT_EQ(answer->route, match.route);
  EXPECT_EQ(blocking_calls_, 0);
}

TEST_F(NonBlockingRouteTest, DeclinedRequestIsLeftToTheBlockingHandler) {
  HttpRequest request = Request("POST", "/assess");
  RouteMatch match = router_.Match(request);
  EXPECT_FALSE(router_.TryRunNonBlocking(match, request));
  EXPECT_EQ(non_blocking_calls_, 1);
  DispatchResult result = router_.Run(match, request);
  EXPECT_EQ(result.response.body, R"({"from":"pool"})");
  EXPECT_EQ(result.route->pattern, "/assess");
  EXPECT_EQ(blocking_calls_, 1);
}

TEST_F(NonBlockingRouteTest, BlockingRouteIsNeverRunByTryRunNonBlocking) {
  HttpRequest request = Cached(Request("GET", "/reports"));
  RouteMatch match = router_.Match(request);
  ASSERT_NE(match.route, nullptr);
  EXPECT_FALSE(match.route->non_blocking);
  EXPECT_FALSE(router_.TryRunNonBlocking(match, request));
  EXPECT_EQ(blocking_calls_, 0);
  EXPECT_EQ(router_.Run(match, request).response.body, "[]");
}

TEST_F(NonBlockingRouteTest, RefusalsAreAnsweredWithoutBlocking) {
  for (auto [method, path, status] : {std::tuple{"GET", "/nope", 404}, {"GET", "/assess", 405},
                                      {"GET", "/reports/%zz", 400}}) {
    HttpRequest request = Request(method, path);
    RouteMatch match = router_.Match(request);
    EXPECT_EQ(match.route, nullptr) << path;
    auto answer = router_.TryRunNonBlocking(match, request);
    ASSERT_TRUE(answer) << path;
    EXPECT_EQ(answer->response.status, status) << path;
    EXPECT_EQ(answer->response.content_type, "application/problem+json");
    EXPECT_EQ(router_.Run(match, request).response.status, status) << path;
  }
  EXPECT_EQ(blocking_calls_ + non_blocking_calls_, 0);
}

TEST(RouterExceptionTest, NonBlockingHandlerExceptionBecomes500WithoutDetail) {
  Router router;
  router.Add("POST", "/assess", "Throws", Echo("pool"),
             [](const HttpRequest&) -> std::optional<HttpResponse> {
               throw std::runtime_error("secret organization op-123 leaked");
             });
  HttpRequest request = Request("POST", "/assess");
  auto answer = router.TryRunNonBlocking(router.Match(request), request);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->response.status, 500);
  EXPECT_EQ(Json::parse(answer->response.body)["detail"], "internal error");
  EXPECT_EQ(answer->response.body.find("op-123"), std::string::npos);
}

TEST(RouterExceptionTest, HandlerExceptionBecomes500WithoutDetail) {
  Router router;
  router.Add("GET", "/boom", "Throws", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("secret organization op-123 leaked");
  });
  router.Add("GET", "/boom2", "Throws an int", [](const HttpRequest&) -> HttpResponse { throw 42; });
  for (std::string path : {"/boom", "/boom2"}) {
    HttpResponse r = router.Dispatch(Request("GET", path));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_EQ(Json::parse(r.body)["detail"], "internal error");
    EXPECT_EQ(r.body.find("op-123"), std::string::npos);
  }
}

TEST(RouterTableTest, ExposesRoutesForOpenApi) {
  Router router;
  router.Add("GET", "/healthz", "Health", Echo("h"));
  router.Add("POST", "/api/v1/reports", "Submit a report", Echo("s"));
  ASSERT_EQ(router.routes().size(), 2u);
  EXPECT_EQ(router.routes()[1].method, "POST");
  EXPECT_EQ(router.routes()[1].pattern, "/api/v1/reports");
  EXPECT_EQ(router.routes()[1].summary, "Submit a report");
}

TEST(RouterTableTest, RejectsBadTables) {
  Router router;
  router.Add("GET", "/a/{id}", "A", Echo("a"));
  EXPECT_THROW(router.Add("GET", "/a/{id}", "again", Echo("a")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "a", "no slash", Echo("a")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/a/x{id}", "partial", Echo("a")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/a/{}", "unnamed", Echo("a")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/b", "no handler", Handler{}), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/c", "empty non-blocking handler", Echo("c"), NonBlockingHandler{}),
               std::invalid_argument);
  EXPECT_EQ(router.routes().size(), 1u);
}

TEST(RouterFallbackTest, AnswersUnmatchedGetsOutsideTheReservedSegmentOnly) {
  Router router;
  router.Add("GET", "/api/v1/reports", "List reports", Echo("list"));
  router.Add("POST", "/ui-form", "A form", Echo("form"));
  router.SetFallback("api", "The web UI", Echo("ui"));
  // Unmatched GETs outside /api/ go to the UI, and the match names it.
  for (const char* path : {"/", "/reports/r_1", "/assets/app.js", "/apix"}) {
    HttpRequest request = Request("GET", path);
    RouteMatch match = router.Match(request);
    ASSERT_NE(match.route, nullptr) << path;
    EXPECT_EQ(match.route->pattern, "/*");
    EXPECT_TRUE(match.route->non_blocking);
    auto answer = router.TryRunNonBlocking(match, request);
    ASSERT_TRUE(answer.has_value()) << path;
    EXPECT_EQ(Json::parse(answer->response.body)["route"], "ui");
  }
  // The API's own paths, however spelled, keep the API's 404; a route's
  // path keeps its 405; other methods are not the UI's.
  EXPECT_EQ(router.Dispatch(Request("GET", "/api/v1/nothing")).status, 404);
  EXPECT_EQ(router.Dispatch(Request("GET", "/api")).status, 404);
  EXPECT_EQ(router.Dispatch(Request("GET", "/%61pi/v1/nothing")).status, 404);
  EXPECT_EQ(router.Dispatch(Request("GET", "/ui-form")).status, 405);
  EXPECT_EQ(router.Dispatch(Request("POST", "/reports")).status, 404);
  EXPECT_EQ(router.Dispatch(Request("DELETE", "/")).status, 404);
  EXPECT_EQ(Json::parse(router.Dispatch(Request("GET", "/api/v1/reports")).body)["route"], "list");
  EXPECT_THROW(router.SetFallback("api", "again", Echo("x")), std::invalid_argument);
  EXPECT_EQ(router.routes().size(), 2u);  // the fallback is not a route of the API's table
}

}  // namespace
}  // namespace infrashare
