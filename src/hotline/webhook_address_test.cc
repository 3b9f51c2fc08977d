#include "hotline/webhook_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace infrashare {
namespace {

using ::testing::HasSubstr;

// What `policy` says of `address`: the refusing kind, or "ok".
std::string Judge(const WebhookAddressPolicy& policy, std::string_view address) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(address), ec);
  EXPECT_FALSE(ec) << address;
  return std::string(policy.Refusal(a).value_or("ok"));
}

TEST(WebhookAddressTest, RefusesEverySpecialPurposeClassByDefault) {
  const WebhookAddressPolicy policy;
  const std::vector<std::pair<std::string_view, std::string_view>> cases{
      {"0.0.0.0", "unspecified"},
      {"0.1.2.3", "unspecified"},
      {"::", "unspecified"},
      {"127.0.0.1", "loopback"},
      {"127.255.0.9", "loopback"},
      {"::1", "loopback"},
      {"10.0.0.1", "private"},
      {"172.16.0.1", "private"},
      {"172.31.255.254", "private"},
      {"192.168.1.1", "private"},
      {"100.64.0.1", "private"},
      {"fd12:3456::1", "private"},
      {"fc00::1", "private"},
      {"fec0::1", "private"},
      {"169.254.169.254", "link-local"},
      {"fe80::1", "link-local"},
      {"224.0.0.1", "multicast"},
      {"239.255.255.250", "multicast"},
      {"ff02::1", "multicast"},
      {"255.255.255.255", "reserved"},
      {"240.0.0.1", "reserved"},
      {"192.0.0.8", "reserved"},
      {"192.0.2.10", "documentation"},
      {"198.51.100.1", "documentation"},
      {"203.0.113.7", "documentation"},
      {"2001:db8::1", "documentation"},
      {"198.18.0.1", "benchmarking"},
      {"2001:0:4136:e378::1", "reserved"},  // Teredo
      {"100::1", "reserved"},
      {"::127.0.0.1", "reserved"},  // IPv4-compatible
  };
  for (const auto& [address, kind] : cases) EXPECT_EQ(Judge(policy, address), kind) << address;
}

TEST(WebhookAddressTest, JudgesIpv6FormsThatCarryAnIpv4AddressByThatAddress) {
  const WebhookAddressPolicy policy;
  EXPECT_EQ(Judge(policy, "::ffff:127.0.0.1"), "loopback");
  EXPECT_EQ(Judge(policy, "::ffff:169.254.169.254"), "link-local");
  EXPECT_EQ(Judge(policy, "64:ff9b::10.0.0.1"), "private");
  EXPECT_EQ(Judge(policy, "2002:c0a8:0101::1"), "private");  // 6to4 of 192.168.1.1
  EXPECT_EQ(Judge(policy, "::ffff:93.184.216.34"), "ok");
  EXPECT_EQ(Judge(policy, "2002:5db8:d822::1"), "ok");  // 6to4 of 93.184.216.34
}

TEST(WebhookAddressTest, PermitsGlobalAddresses) {
  const WebhookAddressPolicy policy;
  for (std::string_view a : {"93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255",
                             "100.128.0.1", "11.0.0.1", "2606:4700::1111", "2400:cb00::1"})
    EXPECT_EQ(Judge(policy, a), "ok") << a;
}

TEST(WebhookAddressTest, TheAllowListAdmitsItsNetworksOnly) {
  const std::vector<std::string> allowed{"127.0.0.1", "10.20.0.0/16", "fd00:1::/32", "::1"};
  auto policy = WebhookAddressPolicy::Make(allowed);
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(Judge(*policy, "127.0.0.1"), "ok");
  EXPECT_EQ(Judge(*policy, "127.0.0.2"), "loopback");
  EXPECT_EQ(Judge(*policy, "10.20.3.4"), "ok");
  EXPECT_EQ(Judge(*policy, "10.21.0.1"), "private");
  EXPECT_EQ(Judge(*policy, "::1"), "ok");
  EXPECT_EQ(Judge(*policy, "::ffff:127.0.0.1"), "ok");
  EXPECT_EQ(Judge(*policy, "fd00:1:2::3"), "ok");
  EXPECT_EQ(Judge(*policy, "fd00:2::3"), "private");
  EXPECT_EQ(Judge(*policy, "169.254.169.254"), "link-local");
}

TEST(WebhookAddressTest, RefusesABadAllowListEntryNamingIt) {
  for (std::string bad : {"10.0.0.0/33", "::/129", "intranet", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1"}) {
    const std::vector<std::string> allowed{bad};
    auto policy = WebhookAddressPolicy::Make(allowed);
    ASSERT_FALSE(policy) << bad;
    EXPECT_EQ(policy.error().field, "webhook_allow");
    EXPECT_THAT(policy.error().message, HasSubstr("\"" + bad + "\"")) << bad;
  }
}

TEST(WebhookAddressTest, JudgesAUrlsHostLiteralAndLocalhostButNotOtherNames) {
  const WebhookAddressPolicy policy;
  EXPECT_EQ(policy.RefusalOfHost("127.0.0.1").value_or("ok"), "loopback");
  EXPECT_EQ(policy.RefusalOfHost("::1").value_or("ok"), "loopback");
  EXPECT_EQ(policy.RefusalOfHost("localhost").value_or("ok"), "loopback");
  EXPECT_EQ(policy.RefusalOfHost("db.localhost").value_or("ok"), "loopback");
  EXPECT_EQ(policy.RefusalOfHost("hooks.example.jp").value_or("ok"), "ok");  // judged at connect time
  EXPECT_EQ(policy.RefusalOfHost("93.184.216.34").value_or("ok"), "ok");
}

}  // namespace
}  // namespace infrashare
