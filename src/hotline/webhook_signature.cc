#include "hotline/webhook_signature.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "common/crypto.h"

namespace infrashare {
namespace {

constexpr size_t kMacHexLength = 64;  // SHA-256
// Unix seconds fit in 15 digits for the next 30 million years, and cannot overflow.
constexpr size_t kMaxTimestampDigits = 15;

std::unexpected<Error> Malformed(std::string message) {
  return InvalidArgument(std::string(kWebhookSignatureHeader), std::move(message));
}
std::unexpected<Error> Refused(std::string message) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(message), std::string(kWebhookSignatureHeader));
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool IsDigits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

std::string Payload(std::string_view t, std::string_view body) {
  std::string payload;
  payload.reserve(t.size() + 1 + body.size());
  payload.append(t).append(".").append(body);
  return payload;
}

}  // namespace

std::string SignWebhook(std::string_view secret, int64_t unix_seconds, std::string_view body) {
  const std::string t = fmt::format("{}", unix_seconds);
  return fmt::format("t={},v1={}", t, HmacSha256Hex(secret, Payload(t, body)));
}

Result<void> VerifyWebhookSignature(std::string_view header, std::string_view secret, std::string_view body,
                                    int64_t now_unix_seconds, int64_t tolerance_seconds) {
  std::string_view t;
  std::vector<std::string> macs;
  size_t start = 0;
  while (start <= header.size()) {
    const size_t comma = std::min(header.find(',', start), header.size());
    const std::string_view item = Trim(header.substr(start, comma - start));
    start = comma + 1;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return Malformed(
          fmt::format("item \"{}\" is not key=value (expected t=<unix seconds>,v1=<hex MAC>)", item));
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (!t.empty()) return Malformed("has more than one t");
      if (!IsDigits(value) || value.size() > kMaxTimestampDigits)
        return Malformed(fmt::format("t \"{}\" is not a time in Unix seconds", value));
      t = value;
    } else if (key == "v1") {
      if (value.size() != kMacHexLength ||
          !std::ranges::all_of(value, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
        return Malformed(fmt::format("v1 must be {} hex digits (HMAC-SHA256)", kMacHexLength));
      std::string mac(value);
      std::ranges::transform(mac, mac.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      macs.push_back(std::move(mac));
    }  // other keys: later schemes, ignored
  }
  if (t.empty()) return Malformed("has no t (the time of signing)");
  if (macs.empty()) return Malformed("has no v1 (the HMAC-SHA256 signature)");

  const std::string expected = HmacSha256Hex(secret, Payload(t, body));
  bool match = false;
  for (const std::string& mac : macs) match |= ConstantTimeEquals(mac, expected);  // no early exit
  if (!match) return Refused("signature does not match: a wrong secret, or the body was changed");

  int64_t signed_at = 0;
  for (char c : t) signed_at = signed_at * 10 + (c - '0');
  const int64_t skew = now_unix_seconds - signed_at;
  if (skew > tolerance_seconds || -skew > tolerance_seconds)
    return Refused(fmt::format(
        "signed {} s {} now, more than the tolerance of {} s: a replayed request, or a clock that is wrong",
        skew > 0 ? skew : -skew, skew > 0 ? "before" : "after", tolerance_seconds));
  return {};
}

}  // namespace infrashare
