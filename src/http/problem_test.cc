#include "http/problem.h"

#include <gtest/gtest.h>

#include "common/json.h"

namespace infrashare {
namespace {

Json Body(const HttpResponse& r) { return Json::parse(r.body); }

TEST(ProblemTest, MapsEveryErrorCodeToOneStatus) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kForbidden), 403);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
}

TEST(ProblemTest, RendersRfc9457WithField) {
  HttpResponse r = ProblemResponse(Error{ErrorCode::kInvalidArgument, "must not be empty", "title"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(Body(r), (Json{{"type", "urn:infrashare:problem:invalid_argument"},
                           {"title", "Invalid argument"},
                           {"status", 400},
                           {"detail", "must not be empty"},
                           {"field", "title"},
                           {"code", "invalid_argument"}}));
}

TEST(ProblemTest, CarriesTheReasonKeyWhenSet) {
  Json body = Body(ProblemResponse(
      WithReason(InvalidArgument("new_password", "too short"), "password_too_short").error()));
  EXPECT_EQ(body["reason"], "password_too_short");
  EXPECT_EQ(body["field"], "new_password");
  // An internal error says nothing of itself, its reason included.
  Json internal = Body(ProblemResponse(Error{ErrorCode::kInternal, "db file x", "f", "disk_full"}));
  EXPECT_FALSE(internal.contains("reason"));
  EXPECT_FALSE(internal.contains("field"));
}

TEST(ProblemTest, OmitsFieldWhenNotSet) {
  Json body = Body(ProblemResponse(Error{ErrorCode::kNotFound, "report not found", ""}));
  EXPECT_FALSE(body.contains("field"));
  EXPECT_FALSE(body.contains("reason"));
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["detail"], "report not found");
}

TEST(ProblemTest, InternalNeverLeaksItsMessage) {
  HttpResponse r = ProblemResponse(Error{ErrorCode::kInternal, "sqlite: no such table secret_orgs", "x"});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Body(r)["detail"], "internal error");
  EXPECT_FALSE(Body(r).contains("field"));
  EXPECT_EQ(r.body.find("secret_orgs"), std::string::npos);
}

TEST(ProblemTest, UnauthenticatedAsksForBearer) {
  HttpResponse r = ProblemResponse(Error{ErrorCode::kUnauthenticated, "missing bearer token", ""});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer");
}

TEST(ProblemTest, UnavailableSaysWhenToRetry) {
  HttpResponse r = ProblemResponse(Error{ErrorCode::kUnavailable, "database busy", ""});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.Header("Retry-After"), "1");
}

TEST(ProblemTest, MethodNotAllowedListsMethods) {
  HttpResponse r = MethodNotAllowedResponse({"GET", "PATCH"});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, PATCH");
  EXPECT_EQ(Body(r)["detail"], "this path accepts only GET, PATCH");
  EXPECT_EQ(Body(r)["code"], "method_not_allowed");
}

TEST(ProblemTest, HeadersTooLargeNamesTheLimit) {
  HttpResponse r = HeadersTooLargeResponse(16384);
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(Body(r)["detail"], "the request headers exceed the limit of 16384 bytes");
}

TEST(ProblemTest, InvalidUtf8InDetailStillRendersJson) {
  HttpResponse r = ProblemResponse(Error{ErrorCode::kInvalidArgument, std::string("bad \xff byte"), ""});
  EXPECT_NO_THROW(Body(r));
}

}  // namespace
}  // namespace infrashare
