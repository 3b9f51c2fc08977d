#include "hotline/webhook_address.h"

#include <fmt/format.h>

#include <array>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>

namespace infrashare {
namespace {

namespace ip = boost::asio::ip;

struct Range4 {
  uint32_t base;
  int prefix;
  std::string_view kind;
};

// The IPv4 special-purpose ranges that are not globally reachable (the IANA
// IPv4 Special-Purpose Address Registry), by kind.
constexpr std::array kSpecial4{
    Range4{0x00000000, 8, "unspecified"},     // 0.0.0.0/8 "this network"
    Range4{0x0A000000, 8, "private"},         // 10.0.0.0/8
    Range4{0x64400000, 10, "private"},        // 100.64.0.0/10 shared (carrier NAT)
    Range4{0x7F000000, 8, "loopback"},        // 127.0.0.0/8
    Range4{0xA9FE0000, 16, "link-local"},     // 169.254.0.0/16
    Range4{0xAC100000, 12, "private"},        // 172.16.0.0/12
    Range4{0xC0000000, 24, "reserved"},       // 192.0.0.0/24 protocol assignments
    Range4{0xC0000200, 24, "documentation"},  // 192.0.2.0/24
    Range4{0xC0A80000, 16, "private"},        // 192.168.0.0/16
    Range4{0xC6120000, 15, "benchmarking"},   // 198.18.0.0/15
    Range4{0xC6336400, 24, "documentation"},  // 198.51.100.0/24
    Range4{0xCB007100, 24, "documentation"},  // 203.0.113.0/24
    Range4{0xE0000000, 4, "multicast"},       // 224.0.0.0/4
    Range4{0xF0000000, 4, "reserved"},        // 240.0.0.0/4, 255.255.255.255 included
};

bool In4(uint32_t address, uint32_t base, int prefix) {
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (address & mask) == base;
}

std::optional<std::string_view> Special4(uint32_t address) {
  for (const Range4& r : kSpecial4)
    if (In4(address, r.base, r.prefix)) return r.kind;
  return std::nullopt;
}

uint32_t V4At(const ip::address_v6::bytes_type& b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | uint32_t(b[at + 3]);
}

// Whether the first `bits` bits of `b` are those of `prefix`.
bool Starts(const ip::address_v6::bytes_type& b, std::initializer_list<uint8_t> prefix, int bits) {
  size_t i = 0;
  for (uint8_t byte : prefix) {
    const int left = bits - int(i) * 8;
    if (left <= 0) break;
    const uint8_t mask = left >= 8 ? 0xFF : uint8_t(0xFF << (8 - left));
    if ((b[i] & mask) != (byte & mask)) return false;
    ++i;
  }
  return true;
}

// The kind of IPv6 range that refuses `a`; for forms that carry an IPv4
// address, that address's (through `v4`).
std::optional<std::string_view> Special6(const ip::address_v6& a, std::optional<uint32_t>& v4) {
  const auto b = a.to_bytes();
  if (a.is_unspecified()) return "unspecified";
  if (a.is_loopback()) return "loopback";
  if (a.is_v4_mapped()) {  // ::ffff:a.b.c.d
    v4 = V4At(b, 12);
    return std::nullopt;
  }
  if (Starts(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) return "reserved";  // ::/96 v4-compatible
  if (Starts(b, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) {       // 64:ff9b::/96 NAT64
    v4 = V4At(b, 12);
    return std::nullopt;
  }
  if (Starts(b, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48)) return "private";  // 64:ff9b:1::/48 local NAT64
  if (Starts(b, {0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64)) return "reserved";       // 100::/64 discard
  if (Starts(b, {0x20, 0x01, 0x00, 0x00}, 32)) return "reserved";             // 2001::/32 Teredo
  if (Starts(b, {0x20, 0x01, 0x0d, 0xb8}, 32)) return "documentation";        // 2001:db8::/32
  if (Starts(b, {0x20, 0x02}, 16)) {                                          // 2002::/16 6to4
    v4 = V4At(b, 2);
    return std::nullopt;
  }
  if (Starts(b, {0xfc}, 7)) return "private";            // fc00::/7 unique local
  if (Starts(b, {0xfe, 0x80}, 10)) return "link-local";  // fe80::/10
  if (Starts(b, {0xfe, 0xc0}, 10)) return "private";     // fec0::/10 site-local
  if (a.is_multicast()) return "multicast";
  return std::nullopt;
}

}  // namespace

Result<WebhookAddressPolicy> WebhookAddressPolicy::Make(std::span<const std::string> allowed) {
  WebhookAddressPolicy policy;
  for (const std::string& entry : allowed) {
    const size_t slash = entry.find('/');
    const std::string address = entry.substr(0, slash);
    boost::system::error_code ec;
    const ip::address a = ip::make_address(address, ec);
    if (ec)
      return InvalidArgument(
          "webhook_allow",
          fmt::format("\"{}\": not an IP address or network (e.g. \"10.20.0.0/16\")", entry));
    int prefix = a.is_v4() ? 32 : 128;
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      const bool digits =
          !bits.empty() && bits.size() <= 3 && bits.find_first_not_of("0123456789") == std::string::npos;
      prefix = digits ? std::stoi(bits) : -1;
      if (prefix < 0 || prefix > (a.is_v4() ? 32 : 128))
        return InvalidArgument("webhook_allow",
                               fmt::format("\"{}\": the prefix length is out of range", entry));
    }
    if (a.is_v4()) {
      policy.allowed_v4_.push_back(ip::network_v4(a.to_v4(), uint16_t(prefix)).canonical());
    } else {
      policy.allowed_v6_.push_back(ip::network_v6(a.to_v6(), uint16_t(prefix)).canonical());
    }
  }
  return policy;
}

std::optional<std::string_view> WebhookAddressPolicy::Refusal(const ip::address& address) const {
  std::optional<uint32_t> v4;
  std::optional<std::string_view> kind;
  if (address.is_v4()) {
    v4 = address.to_v4().to_uint();
  } else {
    const ip::address_v6 a = address.to_v6();
    for (const auto& net : allowed_v6_)
      if (ip::network_v6(a, 128).is_subnet_of(net) || ip::network_v6(a, 128) == net) return std::nullopt;
    kind = Special6(a, v4);
    if (kind) return kind;
  }
  if (!v4) return std::nullopt;
  for (const auto& net : allowed_v4_) {
    const ip::network_v4 one(ip::address_v4(*v4), 32);
    if (one == net || one.is_subnet_of(net)) return std::nullopt;
  }
  return Special4(*v4);
}

std::optional<std::string_view> WebhookAddressPolicy::RefusalOfHost(std::string_view host) const {
  boost::system::error_code ec;
  const ip::address a = ip::make_address(std::string(host), ec);
  if (!ec) return Refusal(a);
  if (host == "localhost" || host.ends_with(".localhost")) return Refusal(ip::make_address("127.0.0.1"));
  return std::nullopt;
}

}  // namespace infrashare
