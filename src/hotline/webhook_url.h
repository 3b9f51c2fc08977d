// Webhook endpoint URLs: the one parser that decides which URLs an
// organization may register and that the webhook client can reach.
//
// Accepted: `http://` or `https://` (scheme and host case-insensitive, kept
// lower-case), a host name, an IPv4 address or a bracketed IPv6 address, an
// optional port, and a path with an optional query. Refused, each with its
// own message (kInvalidArgument, field "url"): other schemes, a missing
// host, credentials (`user:pass@host`: secrets belong in the signature, not
// in a URL that is logged and shown), a fragment (never sent over HTTP),
// spaces, control or non-ASCII characters (percent-encode them), a port
// outside 1..65535, and URLs longer than kMaxWebhookUrlLength.
//
// Thread behaviour: pure functions and plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace infrashare {

// Long enough for any real endpoint; short enough to log and index.
inline constexpr size_t kMaxWebhookUrlLength = 2048;

struct WebhookUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower-case; an IPv6 address without its brackets
  uint16_t port = 0;   // 80 / 443 when the URL names none
  std::string target;  // path and query as written; "/" when empty

  bool tls() const { return scheme == "https"; }
  // The Host header's value: the host (bracketed when IPv6), plus ":port"
  // when the port is not the scheme's default.
  std::string HostHeader() const;

  bool operator==(const WebhookUrl&) const = default;
};

Result<WebhookUrl> ParseWebhookUrl(std::string_view url);

}  // namespace infrashare
