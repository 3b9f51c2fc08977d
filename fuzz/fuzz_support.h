// What the fuzz targets share: the plan's registry (data/registry), read
// once, for the readers that check ids against it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "domain/registry/registry.h"
#include "domain/registry/registry_file.h"

namespace infrashare::fuzz {

inline std::string ReadDataFile(const std::string& relative) {
  std::ifstream in(std::string(INFRASHARE_DATA_DIR) + "/" + relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline const Registry& PlanRegistry() {
  static const Registry registry = [] {
    auto data = ParseRegistryToml(ReadDataFile("registry/registry.toml"), "registry.toml");
    if (!data) {
      std::fprintf(stderr, "fuzz: the plan's registry does not load: %s\n", data.error().message.c_str());
      std::abort();
    }
    return Registry(std::move(*data));
  }();
  return registry;
}

}  // namespace infrashare::fuzz
