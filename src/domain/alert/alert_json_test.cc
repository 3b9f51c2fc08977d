#include "domain/alert/alert_json.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

Timestamp At(int64_t seconds) { return FromMicros(1'760'000'000'123'456 + seconds * 1'000'000); }

Alert SampleAlert() {
  AlertRecipient named{.organization = "org_meti",
                       .reason = RecipientReason::kRecipient,
                       .step = 1,
                       .contacts = {"当直 主任", "Backup desk"},
                       .deadline = At(900),
                       .state = DeliveryState::kDelivered,
                       .queued_at = At(0),
                       .delivered_at = At(2),
                       .channels = {{"inbox", DeliveryState::kDelivered, At(1), 0, ""},
                                    {"webhook:whk_1", DeliveryState::kFailed, At(30), 5, "HTTP 500"}}};
  AlertRecipient escalated{.organization = "org_nisc",
                           .reason = RecipientReason::kCoordinationCenter,
                           .escalated_from = "org_meti",
                           .must_acknowledge = false,
                           .state = DeliveryState::kAcknowledged,
                           .queued_at = At(901),
                           .acknowledged_at = At(960),
                           .escalated_at = At(950),
                           .failed_at = At(955),
                           .acknowledged_by = "prn_duty"};
  return Alert{.id = "alt_1",
               .space = *Space::Exercise("exr_3"),
               .kind = AlertKind::kResponse,
               .report_id = "rpt_7",
               .level = 4,
               .title = "大規模停電",
               .message = "Substation down",
               .raised_by_org = "org_nisc",
               .raised_by_principal = "prn_analyst",
               .ack_minutes = 20,
               .created_at = At(0),
               .recipients = {named, escalated}};
}

TEST(AlertJson, AlertRoundTripsWithRecipientsInOrder) {
  const Alert a = SampleAlert();
  const Json j = AlertToJson(a);
  EXPECT_EQ(j["recipients"].size(), 2u);
  EXPECT_EQ(j["recipients"][0]["organization"], "org_meti");
  EXPECT_EQ(j["recipients"][1]["deadline"], nullptr);
  EXPECT_EQ(j["recipients"][0]["deadline"], FormatRfc3339(At(900)));
  EXPECT_EQ(j["kind"], "response");
  auto back = AlertFromJson(j);
  ASSERT_TRUE(back) << back.error().field << ": " << back.error().message;
  EXPECT_EQ(*back, a);
  EXPECT_EQ(AlertToJson(*back), j);
}

TEST(AlertJson, AlertWithoutRecipientsMemberHasNone) {
  Json j = AlertToJson(SampleAlert());
  j.erase("recipients");
  auto back = AlertFromJson(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back->recipients.empty());
}

TEST(AlertJson, RecipientAndChannelRoundTrip) {
  const Alert a = SampleAlert();
  for (const auto& r : a.recipients) {
    auto back = RecipientFromJson(RecipientToJson(r));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, r);
  }
  auto c = ChannelDeliveryFromJson(ChannelDeliveryToJson(a.recipients[0].channels[1]));
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, a.recipients[0].channels[1]);
}

TEST(AlertJson, ErrorsNameTheField) {
  Json j = AlertToJson(SampleAlert());
  j["recipients"][1]["channels"] =
      Json::array({ChannelDeliveryToJson({"inbox", DeliveryState::kQueued, At(0)})});
  j["recipients"][1]["channels"][0]["state"] = "lost";
  auto bad = AlertFromJson(j);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "recipients[1].channels[0].state");
  EXPECT_EQ(bad.error().message, "must be one of: queued, delivered, acknowledged, escalated, failed");

  j = AlertToJson(SampleAlert());
  j["created_at"] = "yesterday";
  bad = AlertFromJson(j);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "created_at");
  EXPECT_EQ(bad.error().message, "must be an RFC 3339 date-time");

  j = AlertToJson(SampleAlert());
  j["recipients"][0]["deadline"] = 12;
  bad = AlertFromJson(j);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "recipients[0].deadline");

  j = AlertToJson(SampleAlert());
  j["surprise"] = true;
  bad = AlertFromJson(j);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "surprise");
  EXPECT_EQ(bad.error().message, "is not a known field");

  j = AlertToJson(SampleAlert());
  j["recipients"][1]["organization"] = "org_meti";
  bad = AlertFromJson(j);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "recipients[1].organization");
  EXPECT_EQ(bad.error().message, "'org_meti' is already a recipient");

  j = AlertToJson(SampleAlert());
  j.erase("id");
  bad = AlertFromJson(j);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "id");
  EXPECT_EQ(bad.error().message, "is required");

  EXPECT_FALSE(AlertFromJson(Json::array()));
}

TEST(AlertJson, WebhookSecretOnlyWhenAsked) {
  Webhook w{.id = "whk_1",
            .organization = "org_tepco",
            .url = "https://soc.example.jp/hook",
            .secret = "s3cret",
            .created_by = "prn_admin",
            .created_at = At(5)};
  const Json shown = WebhookToJson(w, /*with_secret=*/false);
  EXPECT_FALSE(shown.contains("secret"));
  EXPECT_EQ(shown["disabled_at"], nullptr);
  auto back = WebhookFromJson(WebhookToJson(w, /*with_secret=*/true));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, w);
  w.active = false;
  w.disabled_at = At(9);
  back = WebhookFromJson(WebhookToJson(w, true));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, w);
  auto without = WebhookFromJson(shown);
  ASSERT_TRUE(without);
  EXPECT_EQ(without->secret, "");

  Json bad = WebhookToJson(w, true);
  bad["active"] = "yes";
  auto r = WebhookFromJson(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "active");
}

TEST(AlertJson, WebhookDeliveryRoundTrip) {
  WebhookDelivery d{.id = 42,
                    .webhook_id = "whk_1",
                    .event_seq = 9,
                    .event_type = "alert.raised",
                    .body = R"({"type":"alert.raised"})",
                    .state = WebhookDeliveryState::kDelivered,
                    .attempts = 3,
                    .created_at = At(0),
                    .next_attempt_at = At(60),
                    .last_attempt_at = At(61),
                    .delivered_at = At(61),
                    .last_status = 204};
  const Json j = WebhookDeliveryToJson(d);
  EXPECT_EQ(j["state"], "delivered");
  auto back = WebhookDeliveryFromJson(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, d);

  Json no_id = j;
  no_id.erase("id");
  back = WebhookDeliveryFromJson(no_id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, 0);

  Json bad = j;
  bad["last_status"] = 1000;
  auto r = WebhookDeliveryFromJson(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "last_status");
  EXPECT_EQ(r.error().message, "must be between 0 and 999");
}

}  // namespace
}  // namespace infrashare

namespace infrashare {
namespace {

TEST(AlertJson, RecipientJsonTextIsTheRecipientsJsonDumped) {
  std::vector<AlertRecipient> rows = SampleAlert().recipients;
  rows.push_back(AlertRecipient{});
  rows.push_back(AlertRecipient{.organization = "quote\"back\\slash/",
                                .contacts = {"tab\there", "nl\ncr\r", std::string("ctl\x01\x1f\x7f", 6), "",
                                             "絵文字 \xF0\x9F\x9A\xA8", "\xC2\xA9 \xE2\x82\xAC"},
                                .acknowledged_by = "\b\f",
                                .channels = {{"webhook:whk_2", DeliveryState::kQueued, At(-5), 123456, "\"x\""}}});
  for (const auto& row : rows) EXPECT_EQ(RecipientJsonText(row), RecipientToJson(row).dump());
}

TEST(AlertJson, RecipientJsonTextReplacesInvalidUtf8AsTheStoreDoes) {
  for (const std::string& bad : {std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"),
                                std::string("cut \xE3\x81"), std::string("\x80lone"), std::string("\xE0\x80\x80")}) {
    AlertRecipient row{.organization = "org", .contacts = {bad}};
    EXPECT_EQ(RecipientJsonText(row), RecipientToJson(row).dump(-1, ' ', false, Json::error_handler_t::replace))
        << Json(bad).dump(-1, ' ', true, Json::error_handler_t::replace);
  }
}

}  // namespace
}  // namespace infrashare
