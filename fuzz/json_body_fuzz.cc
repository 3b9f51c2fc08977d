// Request bodies and stored documents through the readers the server uses:
// the first byte of an input chooses the reader, the rest is the JSON text
// (parsed with the server's limits, as every body is). Readers must answer
// an error naming the field, never crash, loop or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/json.h"
#include "domain/alert/alert_json.h"
#include "domain/registry/registry_file.h"
#include "domain/registry/registry_json.h"
#include "domain/report/report_json.h"
#include "domain/severity/facts.h"
#include "fuzz_support.h"
#include "service/alert_input.h"
#include "service/report_input.h"

using namespace infrashare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto json = ParseJson(text);
  if (!json) return 0;
  const Registry& registry = fuzz::PlanRegistry();
  switch (data[0] % 10) {
    case 0:
      (void)ParseSubmit(*json);
      break;
    case 1: {
      static const ReportContent kBase = [] {
        auto submitted = ParseSubmit(Json{{"kind", "attack_info"},
                                          {"title", "t"},
                                          {"tlp", "green"},
                                          {"route", "direct"},
                                          {"audience", {{"everyone", true}}}});
        return submitted ? submitted->content : ReportContent{};
      }();
      (void)ParseUpdate(*json, kBase);
      break;
    }
    case 2:
      (void)ParseRelay(*json);
      break;
    case 3:
      (void)ParseRaise(*json, registry, "nisc");
      break;
    case 4:
      (void)ParseAcknowledgement(*json);
      break;
    case 5:
      (void)ParseFacts(*json);
      break;
    case 6:
      (void)OrganizationFromJson(*json);
      break;
    case 7:
      (void)ReportFromJson(*json);
      break;
    case 8:
      (void)AlertFromJson(*json);
      break;
    default:
      (void)WebhookFromJson(*json);
      (void)WebhookDeliveryFromJson(*json);
      break;
  }
  return 0;
}
