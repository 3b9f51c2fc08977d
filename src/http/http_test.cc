#include "http/http.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

TEST(ParseTargetTest, SplitsPathAndDecodesQuery) {
  auto t = ParseTarget("/api/v1/reports?kind=near_miss&q=a+b%2Fc&flag&&empty=");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/v1/reports");
  using Q = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(t->query, (Q{{"kind", "near_miss"}, {"q", "a b/c"}, {"flag", ""}, {"empty", ""}}));
}

TEST(ParseTargetTest, PathStaysEncoded) {
  auto t = ParseTarget("/a%2Fb/c");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/a%2Fb/c");
  EXPECT_TRUE(t->query.empty());
}

TEST(ParseTargetTest, RejectsAbsoluteFormAndBadEscapes) {
  EXPECT_EQ(ParseTarget("http://example.com/").error().message,
            "the request target must be a path starting with '/'");
  EXPECT_EQ(ParseTarget("*").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseTarget("/x?a=%zz").error().message, "the request target has a bad percent-escape");
  EXPECT_EQ(ParseTarget("/x?a=%4").error().code, ErrorCode::kInvalidArgument);
}

TEST(PercentDecodeTest, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(*PercentDecode("a+b%20c", true), "a b c");
  EXPECT_EQ(*PercentDecode("a+b%20c", false), "a+b c");
  EXPECT_EQ(*PercentDecode("%E6%97%A5", false), "日");
  EXPECT_FALSE(PercentDecode("%", false));
}

TEST(HttpRequestTest, HeaderIsCaseInsensitiveAndQueryTakesFirst) {
  HttpRequest r;
  r.headers["authorization"] = "Bearer x";
  r.query = {{"a", "1"}, {"a", "2"}};
  EXPECT_EQ(r.Header("Authorization"), "Bearer x");
  EXPECT_EQ(r.Header("missing"), "");
  EXPECT_EQ(r.Query("a"), "1");
  EXPECT_EQ(r.Query("b"), std::nullopt);
}

TEST(HttpResponseTest, JsonResponseAndHeaderLookup) {
  HttpResponse r = JsonResponse(201, R"({"id":"r1"})");
  r.headers.emplace_back("Location", "/api/v1/reports/r1");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.Header("location"), "/api/v1/reports/r1");
}

TEST(SseEventTest, FormatsIdEventAndData) {
  EXPECT_EQ(SseEvent("5", "report", R"({"a":1})"), "id: 5\nevent: report\ndata: {\"a\":1}\n\n");
}

TEST(SseEventTest, LeavesOutEmptyIdAndEvent) {
  EXPECT_EQ(SseEvent("", "", "x"), "data: x\n\n");
  EXPECT_EQ(SseEvent("", "", ""), "data: \n\n");
}

TEST(SseEventTest, SplitsMultiLineDataOnEveryLineEnding) {
  EXPECT_EQ(SseEvent("1", "", "a\nb\r\nc\rd"), "id: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
  // A trailing line break survives as an empty last line.
  EXPECT_EQ(SseEvent("", "", "a\n"), "data: a\ndata: \n\n");
  EXPECT_EQ(SseEvent("", "", "\n\n"), "data: \ndata: \ndata: \n\n");
}

TEST(SseEventTest, StripsLineBreaksFromIdAndEvent) {
  EXPECT_EQ(SseEvent("7\r\ndata: evil", std::string("a\nb\0c", 5), "x"),
            "id: 7data: evil\nevent: abc\ndata: x\n\n");
}

}  // namespace
}  // namespace infrashare
