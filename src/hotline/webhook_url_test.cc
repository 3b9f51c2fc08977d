#include "hotline/webhook_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace infrashare {
namespace {

using ::testing::HasSubstr;

WebhookUrl Parse(std::string_view url) {
  auto parsed = ParseWebhookUrl(url);
  EXPECT_TRUE(parsed.has_value()) << url << ": " << parsed.error().message;
  return parsed.value_or(WebhookUrl{});
}

// The message of the error ParseWebhookUrl gives for `url`.
std::string Refusal(std::string_view url) {
  auto parsed = ParseWebhookUrl(url);
  if (parsed) return "(accepted)";
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(parsed.error().field, "url");
  return parsed.error().message;
}

TEST(WebhookUrlTest, DefaultsPortAndTarget) {
  EXPECT_EQ(Parse("http://example.org"), (WebhookUrl{"http", "example.org", 80, "/"}));
  EXPECT_EQ(Parse("https://example.org"), (WebhookUrl{"https", "example.org", 443, "/"}));
}

TEST(WebhookUrlTest, KeepsPathAndQuery) {
  EXPECT_EQ(Parse("https://hooks.example.jp:8443/in/infrashare?token=a%20b&x=1"),
            (WebhookUrl{"https", "hooks.example.jp", 8443, "/in/infrashare?token=a%20b&x=1"}));
  EXPECT_EQ(Parse("http://h?x=1").target, "/?x=1");
}

TEST(WebhookUrlTest, LowersSchemeAndHostButNotPath) {
  EXPECT_EQ(Parse("HTTPS://Hooks.Example.ORG/In"), (WebhookUrl{"https", "hooks.example.org", 443, "/In"}));
}

TEST(WebhookUrlTest, AcceptsAddresses) {
  EXPECT_EQ(Parse("http://127.0.0.1:8080/x"), (WebhookUrl{"http", "127.0.0.1", 8080, "/x"}));
  EXPECT_EQ(Parse("http://[::1]:9000/"), (WebhookUrl{"http", "::1", 9000, "/"}));
  EXPECT_EQ(Parse("https://[2001:db8::1]").host, "2001:db8::1");
  EXPECT_EQ(Parse("http://localhost:1").port, 1);
  EXPECT_EQ(Parse("http://h:65535").port, 65535);
}

TEST(WebhookUrlTest, HostHeaderNamesPortOnlyWhenNotDefault) {
  EXPECT_EQ(Parse("http://h/").HostHeader(), "h");
  EXPECT_EQ(Parse("https://h:443/").HostHeader(), "h");
  EXPECT_EQ(Parse("http://h:8080/").HostHeader(), "h:8080");
  EXPECT_EQ(Parse("https://[::1]:8443/").HostHeader(), "[::1]:8443");
}

TEST(WebhookUrlTest, RefusesOtherSchemes) {
  EXPECT_EQ(Refusal("ftp://example.org/"), "must start with http:// or https://");
  EXPECT_EQ(Refusal("example.org/hook"), "must start with http:// or https://");
  EXPECT_EQ(Refusal("http:/example.org"), "must start with http:// or https://");
  EXPECT_EQ(Refusal(""), "must start with http:// or https://");
}

TEST(WebhookUrlTest, RefusesMissingHost) {
  EXPECT_EQ(Refusal("http://"), "has no host");
  EXPECT_EQ(Refusal("https:///path"), "has no host");
  EXPECT_EQ(Refusal("http://:8080/"), "has no host");
}

TEST(WebhookUrlTest, RefusesCredentials) {
  EXPECT_THAT(Refusal("https://user:secret@example.org/"),
              HasSubstr("must not contain credentials (user@host)"));
  EXPECT_THAT(Refusal("https://user@example.org/"), HasSubstr("must not contain credentials"));
}

TEST(WebhookUrlTest, RefusesFragment) {
  EXPECT_EQ(Refusal("https://example.org/in#part"), "must not contain a fragment (#...)");
}

TEST(WebhookUrlTest, RefusesSpacesControlAndNonAscii) {
  EXPECT_EQ(Refusal("https://example.org/a b"),
            "must not contain spaces or control characters (percent-encode them)");
  EXPECT_EQ(Refusal("https://example.org/\r\nX-Injected: 1"),
            "must not contain spaces or control characters (percent-encode them)");
  EXPECT_EQ(Refusal(std::string_view("https://example.org/\0", 21)),
            "must not contain spaces or control characters (percent-encode them)");
  EXPECT_EQ(Refusal("https://例え.jp/"), "must contain only ASCII characters (percent-encode others)");
}

TEST(WebhookUrlTest, RefusesBadPorts) {
  EXPECT_EQ(Refusal("http://h:0/"), "port \"0\" must be a number from 1 to 65535");
  EXPECT_EQ(Refusal("http://h:65536/"), "port \"65536\" must be a number from 1 to 65535");
  EXPECT_EQ(Refusal("http://h:/"), "port \"\" must be a number from 1 to 65535");
  EXPECT_EQ(Refusal("http://h:80a/"), "port \"80a\" must be a number from 1 to 65535");
  EXPECT_EQ(Refusal("http://h:-1/"), "port \"-1\" must be a number from 1 to 65535");
  EXPECT_EQ(Refusal("http://h:99999999999/"), "port \"99999999999\" must be a number from 1 to 65535");
}

TEST(WebhookUrlTest, RefusesBadHosts) {
  EXPECT_EQ(Refusal("http://exa%6dple.org/"),
            "host \"exa%6dple.org\" may contain only letters, digits, '-', '_' and '.'");
  EXPECT_EQ(Refusal("http://[::1/"), "has an IPv6 address without its closing \"]\"");
  EXPECT_EQ(Refusal("http://[zz::1]/"), "host \"[zz::1]\" is not an IPv6 address");
  EXPECT_EQ(Refusal("http://[::1]x/"), "has \"x\" after the IPv6 address where a port or a path belongs");
}

TEST(WebhookUrlTest, RefusesOverlongUrls) {
  const std::string prefix = "https://example.org/";
  EXPECT_TRUE(ParseWebhookUrl(prefix + std::string(kMaxWebhookUrlLength - prefix.size(), 'a')));
  EXPECT_EQ(Refusal(prefix + std::string(kMaxWebhookUrlLength - prefix.size() + 1, 'a')),
            "must be at most 2048 characters long (is 2049)");
}

}  // namespace
}  // namespace infrashare
