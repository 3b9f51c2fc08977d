// Every limit on a report's input, with its reason. Documented in the API
// (openapi.json) and enforced by service/report_input.
#pragma once

#include <cstddef>

namespace infrashare {

inline constexpr size_t kMaxTitleBytes = 300;          // a headline, fits a hotline message
inline constexpr size_t kMaxTextBytes = 65536;         // a long incident narrative; bodies are capped at 1 MiB anyway
inline constexpr size_t kMaxServices = 50;
inline constexpr size_t kMaxServiceBytes = 200;
inline constexpr size_t kMaxSectors = 14 * 2;          // every sector, with room for new ones
inline constexpr size_t kMaxIndicators = 1000;         // a large IoC list; bigger sets go through STIX import
inline constexpr size_t kMaxIndicatorValueBytes = 2048;
inline constexpr size_t kMaxAudienceItems = 1000;      // named organizations, sectors, CEPTOARs or groups
inline constexpr size_t kMaxFactsBytes = 16384;        // structured facts, serialized
inline constexpr size_t kMaxSystems = 3;               // IT, OT, IoT (domain/report/system_kind.h)
inline constexpr size_t kMaxTextQueryBytes = 200;      // the words of a search (q)
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;

}  // namespace infrashare
