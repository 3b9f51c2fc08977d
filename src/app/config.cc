#include "app/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <charconv>
#include <optional>

#include "hotline/webhook_address.h"

namespace infrashare {

namespace {

struct IntSetting {
  int64_t* field;
  int64_t min, max;
};

// The [hotline] keys: each an integer within bounds.
std::optional<IntSetting> HotlineSettingOf(Config& config, std::string_view name) {
  if (name == "hotline.escalation_tick_ms") return IntSetting{&config.escalation_tick_ms, 10, 3'600'000};
  if (name == "hotline.webhook_timeout_ms") return IntSetting{&config.webhook_timeout_ms, 100, 300'000};
  if (name == "hotline.webhook_max_attempts") return IntSetting{&config.webhook_max_attempts, 1, 100};
  if (name == "hotline.webhook_retry_base_ms") return IntSetting{&config.webhook_retry_base_ms, 10, 3'600'000};
  if (name == "hotline.webhook_retry_cap_ms") return IntSetting{&config.webhook_retry_cap_ms, 10, 86'400'000};
  if (name == "hotline.stream_buffer_bytes")
    return IntSetting{&config.stream_buffer_bytes, 4096, int64_t{1} << 30};
  if (name == "hotline.stream_heartbeat_ms") return IntSetting{&config.stream_heartbeat_ms, 100, 3'600'000};
  return std::nullopt;
}

}  // namespace

Result<void> LoadConfigFile(const std::string& path, Config& config) {
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument("config", fmt::format("{}:{}: {}", path, e.source().begin.line, e.description()));
  }
  auto where = [&](const toml::node& n) { return fmt::format("{}:{}", path, n.source().begin.line); };
  for (auto&& [section, node] : doc) {
    const toml::table* t = node.as_table();
    if (!t || (section != "server" && section != "database" && section != "severity" &&
               section != "hotline" && section != "web"))
      return InvalidArgument("config",
                             fmt::format("{}: {}: unknown section (server, database, severity, hotline, web)",
                                         where(node), section.str()));
    for (auto&& [key, value] : *t) {
      const std::string name = fmt::format("{}.{}", section.str(), key.str());
      if (name == "server.listen" && value.is_string()) {
        config.listen = value.as_string()->get();
      } else if (name == "server.io_threads" && value.is_integer()) {
        config.io_threads = int(value.as_integer()->get());
      } else if (name == "server.worker_threads" && value.is_integer()) {
        config.worker_threads = int(value.as_integer()->get());
      } else if (name == "database.data_dir" && value.is_string()) {
        config.data_dir = value.as_string()->get();
      } else if (name == "database.url" && value.is_string()) {
        config.database_url = value.as_string()->get();
      } else if (name == "database.pool_size" && value.is_integer()) {
        config.database_pool = int(value.as_integer()->get());
      } else if (name == "severity.dir" && value.is_string()) {
        config.severity_dir = value.as_string()->get();
      } else if (name == "severity.policy" && value.is_string()) {
        config.severity_policy = value.as_string()->get();
      } else if (name == "web.dir" && value.is_string()) {
        config.web_dir = value.as_string()->get();
      } else if (name == "hotline.webhook_allow" && value.is_array()) {
        config.webhook_allow.clear();
        for (const toml::node& entry : *value.as_array()) {
          if (!entry.is_string())
            return InvalidArgument("config",
                                   fmt::format("{}: {}: each entry must be a string", where(entry), name));
          config.webhook_allow.push_back(entry.as_string()->get());
        }
        if (auto p = WebhookAddressPolicy::Make(config.webhook_allow); !p)
          return InvalidArgument("config", fmt::format("{}: {}: {}", where(value), name, p.error().message));
      } else if (auto slot = HotlineSettingOf(config, name); slot && value.is_integer()) {
        const auto& [field, min, max] = *slot;
        const int64_t v = value.as_integer()->get();
        if (v < min || v > max)
          return InvalidArgument("config", fmt::format("{}: {}: must be {}..{}", where(value), name, min, max));
        *field = v;
      } else {
        return InvalidArgument("config", fmt::format("{}: {}: unknown key or wrong type", where(value), name));
      }
    }
  }
  if (config.io_threads < 1 || config.io_threads > 64)
    return InvalidArgument("config", fmt::format("{}: server.io_threads: must be 1..64", path));
  if (config.database_pool < 2 || config.database_pool > 1000)
    return InvalidArgument("config", fmt::format("{}: database.pool_size: must be 2..1000", path));
  if (config.worker_threads < 1 || config.worker_threads > 1024)
    return InvalidArgument("config", fmt::format("{}: server.worker_threads: must be 1..1024", path));
  return {};
}

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return InvalidArgument("listen", "must be HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const char* b = listen.data() + colon + 1;
  const char* e = listen.data() + listen.size();
  auto [p, ec] = std::from_chars(b, e, port);
  if (ec != std::errc() || p != e || port > 65535)
    return InvalidArgument("listen", "the port must be a number from 0 to 65535");
  return std::pair{host, uint16_t(port)};
}

}  // namespace infrashare
