#include "common/json.h"

#include <gtest/gtest.h>

#include <string>

namespace infrashare {
namespace {

std::string Nested(int depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

TEST(ParseJsonTest, AcceptsNestingUpToTheLimit) {
  auto doc = ParseJson(Nested(kMaxJsonDepth));
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
}

TEST(ParseJsonTest, RefusesNestingPastTheLimitNamingWhere) {
  auto doc = ParseJson(Nested(kMaxJsonDepth + 1));
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(doc.error().message, "nests objects and arrays deeper than 64 levels");
  // The 65th array is the first element of the 64th.
  std::string where;
  for (int i = 0; i < kMaxJsonDepth; ++i) where += "[0]";
  EXPECT_EQ(doc.error().field, where);
}

TEST(ParseJsonTest, RefusesVeryDeepInputWithoutRecursing) {
  // 100,000 levels (200 KB) used to overflow the stack when rendered.
  auto doc = ParseJson("{\"facts\":" + Nested(100000) + "}");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().message, "nests objects and arrays deeper than 64 levels");
  EXPECT_TRUE(doc.error().field.starts_with("facts[0][0]")) << doc.error().field;
}

TEST(ParseJsonTest, NamesTheKeyOfTheTooDeepMember) {
  // The root, b and c are three levels; 62 more make 65.
  std::string body = "{\"a\":1,\"b\":{\"c\":[0,0," + Nested(kMaxJsonDepth - 2) + "]}}";
  auto doc = ParseJson(body);
  ASSERT_FALSE(doc.has_value());
  EXPECT_TRUE(doc.error().field.starts_with("b.c[2]")) << doc.error().field;
  EXPECT_TRUE(ParseJson(body, {.max_depth = kMaxJsonDepth + 1}).has_value());
}

TEST(ParseJsonTest, BracketsInsideStringsDoNotCount) {
  const std::string deep_text = "\"" + std::string(1000, '[') + "\\\"{\"";
  auto doc = ParseJson("{\"t\":" + deep_text + "}");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
}

TEST(ParseJsonTest, NumberOverflowIsABadFieldNotACrash) {
  auto doc = ParseJson(R"({"x":1e999999})");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(doc.error().field, "x");
  EXPECT_EQ(doc.error().message, "is a number too large to represent (beyond ±1.8e308)");
  auto nested = ParseJson(R"({"facts":{"outage":{"hours":[1, -2E+400]}}})");
  ASSERT_FALSE(nested.has_value());
  EXPECT_EQ(nested.error().field, "facts.outage.hours[1]");
  auto digits = ParseJson("{\"y\":" + std::string(400, '9') + "}");
  ASSERT_FALSE(digits.has_value());
  EXPECT_EQ(digits.error().field, "y");
  auto escaped = ParseJson(R"({"a\"b":1e400})");
  ASSERT_FALSE(escaped.has_value());
  EXPECT_EQ(escaped.error().field, "a\"b");
}

TEST(ParseJsonTest, LargeButFiniteNumbersAndUnderflowParse) {
  auto doc = ParseJson(R"({"x":1.7e308,"y":1e-999999,"z":-0.5E3,"w":123456789012345678901234567890})");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  EXPECT_DOUBLE_EQ((*doc)["z"].get<double>(), -500.0);
}

TEST(ParseJsonTest, SyntaxErrorsStillNameTheByte) {
  auto doc = ParseJson("{\"kind\": ");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().message, "body is not valid JSON (syntax error at byte 10)");
  EXPECT_FALSE(ParseJson("[1,2").has_value());
  EXPECT_FALSE(ParseJson("").has_value());
}

}  // namespace
}  // namespace infrashare
