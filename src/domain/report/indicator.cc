#include "domain/report/indicator.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "common/json.h"

namespace infrashare {

namespace {

enum class Form { kAny, kIpv4, kIpv6, kDomain, kUrl, kEmail, kHex32, kHex40, kHex64, kAsn, kCve };

struct IndicatorType {
  std::string_view name;
  Form form;
};

constexpr std::array kTypes{
    IndicatorType{"ipv4-addr", Form::kIpv4},        IndicatorType{"ipv6-addr", Form::kIpv6},
    IndicatorType{"domain-name", Form::kDomain},    IndicatorType{"url", Form::kUrl},
    IndicatorType{"email-addr", Form::kEmail},      IndicatorType{"file:hashes.MD5", Form::kHex32},
    IndicatorType{"file:hashes.SHA-1", Form::kHex40}, IndicatorType{"file:hashes.SHA-256", Form::kHex64},
    IndicatorType{"file:name", Form::kAny},         IndicatorType{"autonomous-system", Form::kAsn},
    IndicatorType{"mac-addr", Form::kAny},          IndicatorType{"mutex", Form::kAny},
    IndicatorType{"process:name", Form::kAny},      IndicatorType{"user-account", Form::kAny},
    IndicatorType{"windows-registry-key", Form::kAny}, IndicatorType{"x509-certificate", Form::kAny},
    IndicatorType{"software", Form::kAny},          IndicatorType{"vulnerability", Form::kCve},
};

bool IsHex(std::string_view v, size_t n) {
  return v.size() == n && std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isxdigit(c); });
}

bool IsDomain(std::string_view v) {
  if (v.empty() || v.size() > 253 || v.find('.') == std::string_view::npos) return false;
  return std::all_of(v.begin(), v.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c >= 0x80; });
}

bool Matches(Form form, std::string_view v) {
  const std::string s(v);
  unsigned char buf[16];
  switch (form) {
    case Form::kAny: return !v.empty();
    case Form::kIpv4: return inet_pton(AF_INET, s.c_str(), buf) == 1;
    case Form::kIpv6: return inet_pton(AF_INET6, s.c_str(), buf) == 1;
    case Form::kDomain: return IsDomain(v);
    case Form::kUrl: return v.find("://") != std::string_view::npos && v.find(' ') == std::string_view::npos;
    case Form::kEmail: {
      const size_t at = v.find('@');
      return at != std::string_view::npos && at > 0 && IsDomain(v.substr(at + 1));
    }
    case Form::kHex32: return IsHex(v, 32);
    case Form::kHex40: return IsHex(v, 40);
    case Form::kHex64: return IsHex(v, 64);
    case Form::kAsn: {
      std::string_view d = v.starts_with("AS") ? v.substr(2) : v;
      return !d.empty() && d.size() <= 10 && std::all_of(d.begin(), d.end(), [](unsigned char c) { return std::isdigit(c); });
    }
    case Form::kCve: return v.starts_with("CVE-") && v.size() >= 13;
  }
  return false;
}

constexpr std::string_view FormName(Form form) {
  switch (form) {
    case Form::kIpv4: return "an IPv4 address";
    case Form::kIpv6: return "an IPv6 address";
    case Form::kDomain: return "a domain name";
    case Form::kUrl: return "a URL with a scheme";
    case Form::kEmail: return "an e-mail address";
    case Form::kHex32: return "32 hex digits";
    case Form::kHex40: return "40 hex digits";
    case Form::kHex64: return "64 hex digits";
    case Form::kAsn: return "an AS number";
    case Form::kCve: return "a CVE id (CVE-YYYY-NNNN)";
    case Form::kAny: return "not empty";
  }
  return "valid";
}

}  // namespace

Result<void> ValidateIndicator(std::string_view type, std::string_view value, const std::string& path) {
  for (const auto& t : kTypes) {
    if (t.name != type) continue;
    if (!Matches(t.form, value))
      return InvalidArgument(JoinPath(path, "value"), fmt::format("must be {} for type {}", FormName(t.form), type));
    return {};
  }
  std::string names;
  for (const auto& t : kTypes) names += (names.empty() ? "" : ", ") + std::string(t.name);
  return InvalidArgument(JoinPath(path, "type"), "must be one of: " + names);
}

}  // namespace infrashare
