#include "hotline/webhook_url.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace infrashare {
namespace {

constexpr std::string_view kField = "url";

std::unexpected<Error> Bad(std::string message) {
  return InvalidArgument(std::string(kField), std::move(message));
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && Lower(text.substr(0, prefix.size())) == prefix;
}

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool IsIpv6Char(char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }

Result<uint16_t> ParsePort(std::string_view text) {
  const auto bad = [&] { return Bad(fmt::format("port \"{}\" must be a number from 1 to 65535", text)); };
  if (text.empty() || text.size() > 5) return bad();
  uint32_t port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad();
    port = port * 10 + uint32_t(c - '0');
  }
  if (port < 1 || port > 65535) return bad();
  return uint16_t(port);
}

}  // namespace

std::string WebhookUrl::HostHeader() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out = ipv6 ? fmt::format("[{}]", host) : host;
  const uint16_t default_port = tls() ? 443 : 80;
  if (port != default_port) out += fmt::format(":{}", port);
  return out;
}

Result<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  if (url.size() > kMaxWebhookUrlLength)
    return Bad(fmt::format("must be at most {} characters long (is {})", kMaxWebhookUrlLength, url.size()));
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f)
      return Bad("must not contain spaces or control characters (percent-encode them)");
    if (u >= 0x80) return Bad("must contain only ASCII characters (percent-encode others)");
  }

  WebhookUrl out;
  std::string_view rest;
  if (StartsWithNoCase(url, "https://")) {
    out.scheme = "https";
    out.port = 443;
    rest = url.substr(8);
  } else if (StartsWithNoCase(url, "http://")) {
    out.scheme = "http";
    out.port = 80;
    rest = url.substr(7);
  } else {
    return Bad("must start with http:// or https://");
  }
  if (url.find('#') != std::string_view::npos) return Bad("must not contain a fragment (#...)");

  const size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  const std::string_view target = rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos)
    return Bad("must not contain credentials (user@host): authenticate the request by its signature");

  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with('[')) {  // [IPv6]
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad("has an IPv6 address without its closing \"]\"");
    host = authority.substr(1, close - 1);
    if (host.empty() || !std::ranges::all_of(host, IsIpv6Char))
      return Bad(fmt::format("host \"[{}]\" is not an IPv6 address", host));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':'))
      return Bad(fmt::format("has \"{}\" after the IPv6 address where a port or a path belongs", after));
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    has_port = colon != std::string_view::npos;
    if (has_port) port = authority.substr(colon + 1);
    if (!std::ranges::all_of(host, IsHostNameChar))
      return Bad(fmt::format("host \"{}\" may contain only letters, digits, '-', '_' and '.'", host));
  }
  if (host.empty()) return Bad("has no host");
  out.host = Lower(host);
  if (has_port) {
    auto parsed = INFRASHARE_TRY(ParsePort(port));
    out.port = parsed;
  }

  if (target.empty()) {
    out.target = "/";
  } else if (target.starts_with('?')) {
    out.target = fmt::format("/{}", target);
  } else {
    out.target = std::string(target);
  }
  return out;
}

}  // namespace infrashare
