// Webhook URLs as an organization's administrator may give them, and the
// address rule's allow-list as a configuration may: the parser and the rule
// that decide where infrashare POSTs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/webhook_address.h"
#include "hotline/webhook_url.h"

using namespace infrashare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const WebhookAddressPolicy kPolicy;
  if (auto url = ParseWebhookUrl(text)) {
    (void)url->HostHeader();
    (void)kPolicy.RefusalOfHost(url->host);
  }
  std::vector<std::string> allowed;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    allowed.emplace_back(
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (auto made = WebhookAddressPolicy::Make(allowed)) (void)made->RefusalOfHost(allowed.front());
  return 0;
}
