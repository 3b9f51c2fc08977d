// The readers of report requests, without a store or a policy.
#include "service/report_input.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

Json Body(Json facts) {
  return Json{{"kind", "service_outage"}, {"title", "Grid outage"}, {"sectors", {"electric_power"}},
              {"tlp", "amber"},           {"route", "direct"},      {"facts", std::move(facts)}};
}

TEST(ParseSubmit, ImpactFactsAreCheckedWhenTheBodyIsRead) {
  auto wrong_type = ParseSubmit(Body({{"safety", {{"deaths", "many"}}}}));
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(wrong_type.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(wrong_type.error().field, "facts.safety.deaths");
  auto unknown = ParseSubmit(Body({{"weather", {{"wind", 3}}}}));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "facts.weather");
  auto good = ParseSubmit(Body({{"safety", {{"deaths", 1}}}}));
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->content.facts, (Json{{"safety", {{"deaths", 1}}}}));
}

}  // namespace
}  // namespace infrashare
