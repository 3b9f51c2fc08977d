// The benchmarks' load generator (tests/support/load_generator.h) against the
// real server: the open loop sends exactly its schedule and reports the
// offered rate; the closed loop still runs; bad options are refused.
#include "support/load_generator.h"

#include <gtest/gtest.h>

#include "integration/test_server.h"

namespace infrashare::testing {
namespace {

using namespace std::chrono_literals;

LoadRequest Health(uint64_t) { return LoadRequest{.method = "GET", .target = "/healthz"}; }

TEST(LoadGeneratorTest, OpenLoopSendsItsScheduleAtTheOfferedRate) {
  TestServer server;
  // 200/s for 2 s over 8 connections: 400 requests, 50 on each connection.
  auto report = RunLoad(LoadOptions{.port = server.port(), .connections = 8, .duration = 2s, .rate = 200}, Health);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->requests, 400u);
  EXPECT_EQ(report->errors(), 0u) << report->first_unexpected << report->first_transport_error;
  EXPECT_EQ(report->offered_rate, 200);
  EXPECT_GE(report->seconds, 2.0);
  EXPECT_NEAR(report->throughput(), 200, 20);
  EXPECT_EQ(report->latency.count(), 400u);
  const std::string printed = FormatLoadReport(*report, 200, std::nullopt);
  EXPECT_NE(printed.find("offered rate      200 requests/s (open loop"), std::string::npos) << printed;
  EXPECT_NE(printed.find("RESULT requests=400 errors=0 offered=200 "), std::string::npos) << printed;
}

TEST(LoadGeneratorTest, ClosedLoopStillRunsFlatOut) {
  TestServer server;
  auto report = RunLoad(LoadOptions{.port = server.port(), .connections = 4, .duration = 1s}, Health);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_GT(report->requests, 50u);
  EXPECT_EQ(report->errors(), 0u);
  EXPECT_EQ(report->offered_rate, 0);
  EXPECT_EQ(FormatLoadReport(*report, 200, std::nullopt).find("offered rate"), std::string::npos);
}

TEST(LoadGeneratorTest, RefusesBadOptions) {
  auto negative = RunLoad(LoadOptions{.port = 1, .rate = -5}, Health);
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().field, "rate");
  auto remote = RunLoad(LoadOptions{.host = "192.0.2.1", .port = 1}, Health);
  ASSERT_FALSE(remote);
  EXPECT_EQ(remote.error().field, "host");
}

}  // namespace
}  // namespace infrashare::testing
