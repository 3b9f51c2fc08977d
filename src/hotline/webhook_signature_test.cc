#include "hotline/webhook_signature.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

constexpr std::string_view kSecret = "whsec_test";
constexpr std::string_view kBody = R"({"event_id":1,"type":"report.submitted"})";
constexpr int64_t kT = 1700000000;
// printf '%s' '1700000000.{"event_id":1,"type":"report.submitted"}' | openssl dgst -sha256 -hmac 'whsec_test'
constexpr std::string_view kKnownHeader =
    "t=1700000000,v1=762e2a29afe73cfd3bef9fc6e10dfd776a79ded5ccfa643875a3d2e0912111ca";
constexpr std::string_view kKnownMac = "762e2a29afe73cfd3bef9fc6e10dfd776a79ded5ccfa643875a3d2e0912111ca";

// The error VerifyWebhookSignature gives, as "code: message".
std::string Refusal(std::string_view header, std::string_view body = kBody, int64_t now = kT) {
  auto verified = VerifyWebhookSignature(header, kSecret, body, now);
  if (verified) return "(accepted)";
  EXPECT_EQ(verified.error().field, "Infrashare-Signature");
  return std::string(ErrorCodeName(verified.error().code)) + ": " + verified.error().message;
}

TEST(WebhookSignatureTest, MatchesOpensslKnownVector) {
  EXPECT_EQ(SignWebhook(kSecret, kT, kBody), kKnownHeader);
}

TEST(WebhookSignatureTest, EmptyBodyKnownVector) {
  // printf '%s' '1700000000.' | openssl dgst -sha256 -hmac 'whsec_test'
  EXPECT_EQ(SignWebhook(kSecret, kT, ""),
            "t=1700000000,v1=5967f3c560522fa40cf2876ebc3c3a08551dd6959aaade3b413460591895bdcc");
}

TEST(WebhookSignatureTest, VerifiesItsOwnSignature) {
  EXPECT_TRUE(VerifyWebhookSignature(SignWebhook(kSecret, kT, kBody), kSecret, kBody, kT));
  EXPECT_TRUE(VerifyWebhookSignature(kKnownHeader, kSecret, kBody, kT + 5));
}

TEST(WebhookSignatureTest, AcceptsSpacesUnknownKeysAndSeveralV1) {
  const std::string other(64, '0');
  EXPECT_EQ(Refusal(" t=1700000000 , v0=zz, v1=" + other + ", v1=" + std::string(kKnownMac) + " ,v2=abc"),
            "(accepted)");
  std::string upper(kKnownMac);
  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Refusal("v1=" + upper + ",t=1700000000"), "(accepted)");
}

TEST(WebhookSignatureTest, RefusesWrongSecretOrChangedBody) {
  const std::string wrong_mac = "signature does not match: a wrong secret, or the body was changed";
  EXPECT_EQ(Refusal(kKnownHeader, R"({"event_id":2,"type":"report.submitted"})"),
            "unauthenticated: " + wrong_mac);
  EXPECT_EQ(Refusal(SignWebhook("other secret", kT, kBody)), "unauthenticated: " + wrong_mac);
  // The time is part of what is signed: moving it breaks the MAC.
  EXPECT_EQ(Refusal("t=1700000001,v1=" + std::string(kKnownMac), kBody, kT), "unauthenticated: " + wrong_mac);
}

TEST(WebhookSignatureTest, RefusesReplaysOutsideTheTolerance) {
  EXPECT_EQ(Refusal(kKnownHeader, kBody, kT + 300), "(accepted)");
  EXPECT_EQ(Refusal(kKnownHeader, kBody, kT - 300), "(accepted)");
  EXPECT_EQ(
      Refusal(kKnownHeader, kBody, kT + 301),
      "unauthenticated: signed 301 s before now, more than the tolerance of 300 s: a replayed request, or a "
      "clock that is wrong");
  EXPECT_EQ(
      Refusal(kKnownHeader, kBody, kT - 3600),
      "unauthenticated: signed 3600 s after now, more than the tolerance of 300 s: a replayed request, or a "
      "clock that is wrong");
  EXPECT_FALSE(VerifyWebhookSignature(kKnownHeader, kSecret, kBody, kT + 11, 10));
}

TEST(WebhookSignatureTest, RefusesMalformedHeaders) {
  const std::string mac(kKnownMac);
  EXPECT_EQ(Refusal(""),
            "invalid_argument: item \"\" is not key=value (expected t=<unix seconds>,v1=<hex MAC>)");
  EXPECT_EQ(Refusal("sha256=" + mac), "invalid_argument: has no t (the time of signing)");
  EXPECT_EQ(Refusal("t=1700000000"), "invalid_argument: has no v1 (the HMAC-SHA256 signature)");
  EXPECT_EQ(Refusal("t=1700000000,v1=" + mac + ","),
            "invalid_argument: item \"\" is not key=value (expected t=<unix seconds>,v1=<hex MAC>)");
  EXPECT_EQ(Refusal("t=1700000000;v1=" + mac),
            "invalid_argument: t \"1700000000;v1=" + mac + "\" is not a time in Unix seconds");
  EXPECT_EQ(Refusal("t=-5,v1=" + mac), "invalid_argument: t \"-5\" is not a time in Unix seconds");
  EXPECT_EQ(Refusal("t=9999999999999999,v1=" + mac),
            "invalid_argument: t \"9999999999999999\" is not a time in Unix seconds");
  EXPECT_EQ(Refusal("t=1,t=1700000000,v1=" + mac), "invalid_argument: has more than one t");
  EXPECT_EQ(Refusal("t=1700000000,v1=" + mac.substr(1)),
            "invalid_argument: v1 must be 64 hex digits (HMAC-SHA256)");
  EXPECT_EQ(Refusal("t=1700000000,v1=" + mac.substr(1) + "g"),
            "invalid_argument: v1 must be 64 hex digits (HMAC-SHA256)");
  EXPECT_EQ(Refusal("t=1700000000,=x,v1=" + mac),
            "invalid_argument: item \"=x\" is not key=value (expected t=<unix seconds>,v1=<hex MAC>)");
}

}  // namespace
}  // namespace infrashare
