// Which network addresses webhooks may be delivered to. An organization's
// administrator chooses a webhook's URL; without a rule, infrashare would
// POST wherever that URL leads, and the delivery log would tell them what
// answers inside the server's own network (a port scanner for anyone with
// the admin role). So by default a webhook reaches only addresses that are
// globally reachable: every special-purpose range is refused — unspecified
// ("this network"), loopback, private (RFC 1918, shared 100.64/10, unique
// local fc00::/7), link-local (169.254/16 with the cloud metadata address,
// fe80::/10), multicast, broadcast and reserved, documentation and
// benchmarking ranges, IPv6 site-local, discard and Teredo. IPv6 forms that
// carry an IPv4 address (v4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96,
// 6to4 2002::/16) are judged by that address; the old v4-compatible ::/96
// is refused.
//
// An installation that must deliver into its intranet (or a test, to
// loopback) names networks in `allowed` ([hotline] webhook_allow = ["10.20.0.0/16"]):
// an address in one of them is permitted whatever its range.
//
// The rule is asked twice: when a webhook is registered (a URL whose host is
// a refused address literal is refused at once) and by the webhook client
// on every address a host name resolves to, at connect time, so that a name
// that later resolves inward (DNS rebinding) reaches nothing. The client
// follows no redirects.
//
// Thread behaviour: immutable after Make; thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace infrashare {

class WebhookAddressPolicy {
 public:
  // Refuses every special-purpose address (nothing allowed beyond the
  // public internet).
  WebhookAddressPolicy() = default;
  // `allowed`: networks as "10.20.0.0/16", "fd00::/8" or single addresses
  // ("127.0.0.1", "::1"). Errors: kInvalidArgument naming the entry.
  static Result<WebhookAddressPolicy> Make(std::span<const std::string> allowed);

  // nullopt when `address` may be reached; else the kind of range that
  // refuses it ("loopback", "private", "link-local", ...).
  std::optional<std::string_view> Refusal(const boost::asio::ip::address& address) const;
  // The same for a URL's host: nullopt for a host name (judged at connect
  // time) and for permitted addresses; "localhost" and names under
  // ".localhost" are loopback.
  std::optional<std::string_view> RefusalOfHost(std::string_view host) const;

 private:
  std::vector<boost::asio::ip::network_v4> allowed_v4_;
  std::vector<boost::asio::ip::network_v6> allowed_v6_;
};

}  // namespace infrashare
