// The TOML files an installation gives the server: the registry (init) and
// the severity policies (serve), through their loaders; a policy that loads
// is also checked against the plan's registry, as serve does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/registry/registry_file.h"
#include "domain/severity/policy.h"
#include "fuzz_support.h"

using namespace infrashare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto registry = ParseRegistryToml(text, "fuzz.toml")) Registry checked(std::move(*registry));
  if (auto policy = ParsePolicy(text, "fuzz.toml"))
    (void)ValidatePolicySectors(*policy, fuzz::PlanRegistry());
  return 0;
}
