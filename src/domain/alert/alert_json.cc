#include "domain/alert/alert_json.h"

#include <fmt/format.h>

#include <limits>
#include <set>
#include <utility>

#include "common/input_limits.h"
#include "domain/alert/limits.h"

namespace infrashare {
namespace {

// Shape limits against abuse through the API; the service checks the real
// rules (who may raise what, how many recipients a level reaches).
constexpr StringLimits kOptionalIdLimits{.min = 0, .max = kIdLimits.max};
constexpr StringLimits kTitleLimits{.min = 0, .max = 1000};
constexpr StringLimits kMessageLimits{.min = 0, .max = 65536};
constexpr StringLimits kDetailLimits{.min = 0, .max = 10000};
constexpr StringLimits kSecretLimits{.min = 0, .max = 1024};
constexpr StringLimits kBodyLimits{.min = 0, .max = size_t{1} << 20};  // a signed event, far below 1 MiB
constexpr size_t kMaxRecipients = 10000;  // every organization of the platform (about 7,000), with room
constexpr size_t kMaxChannels = 100;
constexpr size_t kMaxContacts = 100;
constexpr int64_t kMaxCount = 1'000'000'000;
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

Json OptionalTime(const std::optional<Timestamp>& t) { return t ? Json(FormatRfc3339(*t)) : Json(nullptr); }

Result<Timestamp> ParseTime(const Json& value, const std::string& path) {
  if (!value.is_string()) return InvalidArgument(path, "must be an RFC 3339 date-time");
  auto t = ParseRfc3339(value.get_ref<const std::string&>());
  if (!t) return InvalidArgument(path, "must be an RFC 3339 date-time");
  return *t;
}

Result<Timestamp> ReadTime(ObjectReader& r, std::string_view key) {
  const Json* value = r.Raw(key);
  if (value == nullptr) return InvalidArgument(r.PathOf(key), "is required");
  return ParseTime(*value, r.PathOf(key));
}

// Absent or null: nullopt.
Result<std::optional<Timestamp>> ReadOptionalTime(ObjectReader& r, std::string_view key) {
  const Json* value = r.Raw(key);
  if (value == nullptr) return std::optional<Timestamp>();
  auto t = INFRASHARE_TRY(ParseTime(*value, r.PathOf(key)));
  return std::optional<Timestamp>(t);
}

Result<int> ReadSmallInt(ObjectReader& r, std::string_view key, int64_t min, int64_t max) {
  auto v = INFRASHARE_TRY(r.Int(key, min, max));
  return static_cast<int>(v);
}

// A member that is an array of objects, each read by `from`; absent or null
// is empty.
template <class T>
Result<std::vector<T>> ReadObjects(ObjectReader& r, std::string_view key, size_t max_items,
                                   Result<T> (*from)(const Json&, std::string)) {
  std::vector<T> out;
  const Json* list = r.Raw(key);
  if (list == nullptr) return out;
  const std::string path = r.PathOf(key);
  if (!list->is_array()) return InvalidArgument(path, "must be an array of objects");
  if (list->size() > max_items)
    return InvalidArgument(path, fmt::format("must have at most {} items", max_items));
  for (size_t i = 0; i < list->size(); ++i) {
    auto item = INFRASHARE_TRY(from((*list)[i], IndexPath(path, i)));
    out.push_back(std::move(item));
  }
  return out;
}

Result<ChannelDelivery> ChannelFrom(const Json& json, std::string path) {
  ObjectReader r(json, std::move(path));
  ChannelDelivery c;
  c.channel = INFRASHARE_TRY(r.String("channel", kIdLimits));
  c.state = INFRASHARE_TRY(ReadEnum(r, "state", kDeliveryStateNames));
  c.at = INFRASHARE_TRY(ReadTime(r, "at"));
  c.attempts = INFRASHARE_TRY(ReadSmallInt(r, "attempts", 0, kMaxCount));
  c.detail = INFRASHARE_TRY(r.String("detail", kDetailLimits));
  INFRASHARE_TRY(r.Finish());
  return c;
}

Result<AlertRecipient> RecipientFrom(const Json& json, std::string path) {
  ObjectReader r(json, std::move(path));
  AlertRecipient a;
  a.organization = INFRASHARE_TRY(r.String("organization", kIdLimits));
  a.reason = INFRASHARE_TRY(ReadEnum(r, "reason", kRecipientReasonNames));
  a.escalated_from = INFRASHARE_TRY(r.String("escalated_from", kOptionalIdLimits));
  a.step = INFRASHARE_TRY(ReadSmallInt(r, "step", 0, 100));
  a.contacts = INFRASHARE_TRY(r.StringList("contacts", kMaxContacts, kTitleLimits, /*required=*/true));
  a.must_acknowledge = INFRASHARE_TRY(r.Bool("must_acknowledge"));
  a.deadline = INFRASHARE_TRY(ReadOptionalTime(r, "deadline"));
  a.state = INFRASHARE_TRY(ReadEnum(r, "state", kDeliveryStateNames));
  a.queued_at = INFRASHARE_TRY(ReadTime(r, "queued_at"));
  a.delivered_at = INFRASHARE_TRY(ReadOptionalTime(r, "delivered_at"));
  a.acknowledged_at = INFRASHARE_TRY(ReadOptionalTime(r, "acknowledged_at"));
  a.escalated_at = INFRASHARE_TRY(ReadOptionalTime(r, "escalated_at"));
  a.failed_at = INFRASHARE_TRY(ReadOptionalTime(r, "failed_at"));
  a.acknowledged_by = INFRASHARE_TRY(r.String("acknowledged_by", kOptionalIdLimits));
  a.channels = INFRASHARE_TRY(ReadObjects<ChannelDelivery>(r, "channels", kMaxChannels, ChannelFrom));
  INFRASHARE_TRY(r.Finish());
  return a;
}

}  // namespace

Json ChannelDeliveryToJson(const ChannelDelivery& c) {
  return Json{{"channel", c.channel},
              {"state", NameOf(kDeliveryStateNames, c.state)},
              {"at", FormatRfc3339(c.at)},
              {"attempts", c.attempts},
              {"detail", c.detail}};
}

Result<ChannelDelivery> ChannelDeliveryFromJson(const Json& json) { return ChannelFrom(json, ""); }

Json RecipientToJson(const AlertRecipient& a) {
  Json channels = Json::array();
  for (const auto& c : a.channels) channels.push_back(ChannelDeliveryToJson(c));
  return Json{{"organization", a.organization},
              {"reason", NameOf(kRecipientReasonNames, a.reason)},
              {"escalated_from", a.escalated_from},
              {"step", a.step},
              {"contacts", a.contacts},
              {"must_acknowledge", a.must_acknowledge},
              {"deadline", OptionalTime(a.deadline)},
              {"state", NameOf(kDeliveryStateNames, a.state)},
              {"queued_at", FormatRfc3339(a.queued_at)},
              {"delivered_at", OptionalTime(a.delivered_at)},
              {"acknowledged_at", OptionalTime(a.acknowledged_at)},
              {"escalated_at", OptionalTime(a.escalated_at)},
              {"failed_at", OptionalTime(a.failed_at)},
              {"acknowledged_by", a.acknowledged_by},
              {"channels", std::move(channels)}};
}

Result<AlertRecipient> RecipientFromJson(const Json& json) { return RecipientFrom(json, ""); }

namespace {

// Appends `s` as a JSON string the way Json(s).dump() writes it (UTF-8 as
// is; quote, backslash and control characters escaped). False, with `out`
// unspecified, when `s` is not valid UTF-8.
bool AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20)
            out += fmt::format("\\u{:04x}", c);
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: its length from the lead byte, then
    // continuation bytes; no overlong forms, surrogates or values past
    // U+10FFFF (RFC 3629).
    const size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    const unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    if (c1 < lo || c1 > hi) return false;
    for (size_t k = 2; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    out.append(s.substr(i, n));
    i += n;
  }
  out += '"';
  return true;
}

void AppendTime(std::string& out, const std::optional<Timestamp>& t) {
  if (!t) {
    out += "null";
    return;
  }
  out += '"';
  out += FormatRfc3339(*t);
  out += '"';
}

}  // namespace

std::string RecipientJsonText(const AlertRecipient& a) {
  std::string out;
  out.reserve(512);
  bool ok = true;
  auto str = [&](std::string_view s) { ok = AppendJsonString(out, s) && ok; };
  // Members in the order Json (a std::map) writes them.
  out += R"({"acknowledged_at":)";
  AppendTime(out, a.acknowledged_at);
  out += R"(,"acknowledged_by":)";
  str(a.acknowledged_by);
  out += R"(,"channels":[)";
  for (size_t i = 0; i < a.channels.size(); ++i) {
    const ChannelDelivery& c = a.channels[i];
    if (i > 0) out += ',';
    out += R"({"at":)";
    AppendTime(out, c.at);
    out += R"(,"attempts":)";
    out += std::to_string(c.attempts);
    out += R"(,"channel":)";
    str(c.channel);
    out += R"(,"detail":)";
    str(c.detail);
    out += R"(,"state":")";
    out += NameOf(kDeliveryStateNames, c.state);
    out += R"("})";
  }
  out += R"(],"contacts":[)";
  for (size_t i = 0; i < a.contacts.size(); ++i) {
    if (i > 0) out += ',';
    str(a.contacts[i]);
  }
  out += R"(],"deadline":)";
  AppendTime(out, a.deadline);
  out += R"(,"delivered_at":)";
  AppendTime(out, a.delivered_at);
  out += R"(,"escalated_at":)";
  AppendTime(out, a.escalated_at);
  out += R"(,"escalated_from":)";
  str(a.escalated_from);
  out += R"(,"failed_at":)";
  AppendTime(out, a.failed_at);
  out += R"(,"must_acknowledge":)";
  out += a.must_acknowledge ? "true" : "false";
  out += R"(,"organization":)";
  str(a.organization);
  out += R"(,"queued_at":)";
  AppendTime(out, a.queued_at);
  out += R"(,"reason":")";
  out += NameOf(kRecipientReasonNames, a.reason);
  out += R"(","state":")";
  out += NameOf(kDeliveryStateNames, a.state);
  out += R"(","step":)";
  out += std::to_string(a.step);
  out += '}';
  if (!ok) return RecipientToJson(a).dump(-1, ' ', false, Json::error_handler_t::replace);
  return out;
}

Json AlertHeadToJson(const Alert& a) {
  return Json{{"id", a.id},
              {"space", a.space.id()},
              {"kind", NameOf(kAlertKindNames, a.kind)},
              {"report_id", a.report_id},
              {"level", a.level},
              {"title", a.title},
              {"message", a.message},
              {"raised_by_organization", a.raised_by_org},
              {"raised_by_principal", a.raised_by_principal},
              {"ack_minutes", a.ack_minutes},
              {"created_at", FormatRfc3339(a.created_at)}};
}

Json AlertToJson(const Alert& a) {
  Json j = AlertHeadToJson(a);
  Json& recipients = j["recipients"] = Json::array();
  for (const auto& r : a.recipients) recipients.push_back(RecipientToJson(r));
  return j;
}

Result<Alert> AlertFromJson(const Json& json) {
  ObjectReader r(json, "");
  Alert a;
  a.id = INFRASHARE_TRY(r.String("id", kIdLimits));
  std::string space;
  space = INFRASHARE_TRY(r.String("space", kIdLimits));
  a.space = INFRASHARE_TRY(Space::Parse(space));
  a.kind = INFRASHARE_TRY(ReadEnum(r, "kind", kAlertKindNames));
  a.report_id = INFRASHARE_TRY(r.String("report_id", kOptionalIdLimits));
  a.level = INFRASHARE_TRY(ReadSmallInt(r, "level", -1, 5));
  a.title = INFRASHARE_TRY(r.String("title", kTitleLimits));
  a.message = INFRASHARE_TRY(r.String("message", kMessageLimits));
  a.raised_by_org = INFRASHARE_TRY(r.String("raised_by_organization", kOptionalIdLimits));
  a.raised_by_principal = INFRASHARE_TRY(r.String("raised_by_principal", kOptionalIdLimits));
  a.ack_minutes = INFRASHARE_TRY(r.Int("ack_minutes", 0, kMaxCount));
  a.created_at = INFRASHARE_TRY(ReadTime(r, "created_at"));
  a.recipients = INFRASHARE_TRY(ReadObjects<AlertRecipient>(r, "recipients", kMaxRecipients, RecipientFrom));
  INFRASHARE_TRY(r.Finish());
  INFRASHARE_TRY(CheckRecipientsDistinct(a));
  return a;
}

Result<void> CheckRecipientsDistinct(const Alert& alert) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < alert.recipients.size(); ++i)
    if (!seen.insert(alert.recipients[i].organization).second)
      return InvalidArgument(JoinPath(IndexPath("recipients", i), "organization"),
                             fmt::format("'{}' is already a recipient", alert.recipients[i].organization));
  return {};
}

Json WebhookToJson(const Webhook& w, bool with_secret) {
  Json j{{"id", w.id},
         {"organization", w.organization},
         {"space", w.space.id()},
         {"url", w.url},
         {"active", w.active},
         {"created_by", w.created_by},
         {"created_at", FormatRfc3339(w.created_at)},
         {"disabled_at", OptionalTime(w.disabled_at)}};
  if (with_secret && !w.secret.empty()) j["secret"] = w.secret;  // none: imported without it
  return j;
}

Result<Webhook> WebhookFromJson(const Json& json) {
  ObjectReader r(json, "");
  Webhook w;
  w.id = INFRASHARE_TRY(r.String("id", kIdLimits));
  w.organization = INFRASHARE_TRY(r.String("organization", kIdLimits));
  std::string space;
  space = INFRASHARE_TRY(r.String("space", kIdLimits));
  w.space = INFRASHARE_TRY(Space::Parse(space));
  w.url = INFRASHARE_TRY(r.String("url", kWebhookUrlLimits));
  std::optional<std::string> secret;
  secret = INFRASHARE_TRY(r.OptionalString("secret", kSecretLimits));
  w.secret = secret.value_or("");
  w.active = INFRASHARE_TRY(r.Bool("active"));
  w.created_by = INFRASHARE_TRY(r.String("created_by", kOptionalIdLimits));
  w.created_at = INFRASHARE_TRY(ReadTime(r, "created_at"));
  w.disabled_at = INFRASHARE_TRY(ReadOptionalTime(r, "disabled_at"));
  INFRASHARE_TRY(r.Finish());
  return w;
}

Json WebhookDeliveryToJson(const WebhookDelivery& d) {
  return Json{{"id", d.id},
              {"webhook_id", d.webhook_id},
              {"event_seq", d.event_seq},
              {"event_type", d.event_type},
              {"body", d.body},
              {"state", NameOf(kWebhookDeliveryStateNames, d.state)},
              {"attempts", d.attempts},
              {"created_at", FormatRfc3339(d.created_at)},
              {"next_attempt_at", FormatRfc3339(d.next_attempt_at)},
              {"last_attempt_at", OptionalTime(d.last_attempt_at)},
              {"delivered_at", OptionalTime(d.delivered_at)},
              {"last_status", d.last_status},
              {"last_error", d.last_error}};
}

Result<WebhookDelivery> WebhookDeliveryFromJson(const Json& json) {
  ObjectReader r(json, "");
  WebhookDelivery d;
  d.id = INFRASHARE_TRY(r.Int("id", 0, kMaxInt64, /*fallback=*/0));
  d.webhook_id = INFRASHARE_TRY(r.String("webhook_id", kIdLimits));
  d.event_seq = INFRASHARE_TRY(r.Int("event_seq", 0, kMaxInt64));
  d.event_type = INFRASHARE_TRY(r.String("event_type", kOptionalIdLimits));
  d.body = INFRASHARE_TRY(r.String("body", kBodyLimits));
  d.state = INFRASHARE_TRY(ReadEnum(r, "state", kWebhookDeliveryStateNames));
  d.attempts = INFRASHARE_TRY(ReadSmallInt(r, "attempts", 0, kMaxCount));
  d.created_at = INFRASHARE_TRY(ReadTime(r, "created_at"));
  d.next_attempt_at = INFRASHARE_TRY(ReadTime(r, "next_attempt_at"));
  d.last_attempt_at = INFRASHARE_TRY(ReadOptionalTime(r, "last_attempt_at"));
  d.delivered_at = INFRASHARE_TRY(ReadOptionalTime(r, "delivered_at"));
  d.last_status = INFRASHARE_TRY(ReadSmallInt(r, "last_status", 0, 999));
  d.last_error = INFRASHARE_TRY(r.String("last_error", kDetailLimits));
  INFRASHARE_TRY(r.Finish());
  return d;
}

}  // namespace infrashare
