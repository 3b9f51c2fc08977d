// What the hotline's integration tests share: a configuration with short
// timings, and bounded waits for stream events and for conditions.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>
#include <thread>

#include "support/sse_client.h"

namespace infrashare::testing {

// Short hotline timings (`serve --config`) so that retries and escalations
// happen within a test.
inline constexpr std::string_view kFastHotline = R"toml(
[hotline]
escalation_tick_ms = 100
webhook_timeout_ms = 1000
webhook_retry_base_ms = 100
webhook_retry_cap_ms = 400
webhook_max_attempts = 50
stream_heartbeat_ms = 1000
webhook_allow = ["127.0.0.0/8"]
)toml";

// The next event of `type` on `stream` (other types are skipped), within
// `timeout`; nullopt when none came or the stream ended.
inline std::optional<SseMessage> NextOf(SseClient& stream, std::string_view type,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    auto m = stream.Next(
        std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
    if (!m) return std::nullopt;
    if (m->event == type) return m;
  }
  return std::nullopt;
}

// Polls `fn` every 50 ms until it holds (at most `timeout`).
inline bool Eventually(const std::function<bool()>& fn,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (fn()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return fn();
}

}  // namespace infrashare::testing
