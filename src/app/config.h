// The server's configuration: defaults, then an optional TOML file
// (--config), then command-line flags, each overriding the one before.
//
//   # infrashare.toml
//   [server]
//   listen = "127.0.0.1:8080"
//   io_threads = 2
//   worker_threads = 64
//   [database]
//   data_dir = "./data"          # SQLite (the default)
//   url = "postgresql://infrashare@db.example/infrashare"  # PostgreSQL instead
//   pool_size = 8                # PostgreSQL connections of this process
//   [severity]
//   dir = "data/severity"      # every *.toml there is loaded and validated
//   policy = "plan4-draft"     # the one in force
//   [web]
//   dir = "web/dist"           # the built browser UI (default: the shipped one)
//   [hotline]
//   escalation_tick_ms = 1000    # how often deadlines are checked
//   webhook_timeout_ms = 10000   # per POST (connect, send, answer)
//   webhook_max_attempts = 12    # then the delivery is failed
//   webhook_retry_base_ms = 1000 # first retry delay; doubles, with jitter
//   webhook_retry_cap_ms = 900000
//   stream_buffer_bytes = 1048576  # per stream client; a slower client is cut off
//   stream_heartbeat_ms = 15000
//   webhook_allow = ["10.20.0.0/16"]  # beyond the public internet (hotline/webhook_address.h)
#pragma once

#include <string>
#include <vector>

#include "common/error.h"

namespace infrashare {

struct Config {
  std::string data_dir = "./data";
  std::string database_url;  // postgresql://…; when set, used instead of data_dir
  int database_pool = 8;
  // The database to open: the URL when set, else the data directory.
  const std::string& database() const { return database_url.empty() ? data_dir : database_url; }
  std::string listen = "127.0.0.1:8080";
  int io_threads = 2;
  int worker_threads = 64;
  std::string severity_dir;     // default: the shipped data/severity
  std::string severity_policy = "plan4-draft";  // the policy in force
  // The built browser UI (web/dist). Empty: the source tree's, served when
  // it has been built (else the API alone, with a warning); a folder given
  // here must hold a built UI or the server does not start.
  std::string web_dir;
  int64_t escalation_tick_ms = 1000;
  int64_t webhook_timeout_ms = 10000;
  int64_t webhook_max_attempts = 12;
  int64_t webhook_retry_base_ms = 1000;
  int64_t webhook_retry_cap_ms = 15 * 60 * 1000;
  int64_t stream_buffer_bytes = int64_t{1} << 20;
  int64_t stream_heartbeat_ms = 15000;
  // Networks webhooks may reach besides the public internet: intranets, or
  // loopback for tests (WebhookAddressPolicy::Make's forms).
  std::vector<std::string> webhook_allow;
};

// Reads `path` over `config`. Errors name the file, line and key.
Result<void> LoadConfigFile(const std::string& path, Config& config);

// "HOST:PORT" -> host and port. Errors name the field "listen".
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen);

}  // namespace infrashare
