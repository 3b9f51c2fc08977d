#include "service/stream_service.h"

#include <optional>

#include "common/parse.h"

namespace infrashare {

Result<StreamStart> StreamService::Start(
    const Caller& caller, std::string_view last_event_id_header,
    const std::vector<std::pair<std::string, std::string>>& query) const {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  StreamHub* hub = hub_.load();
  if (hub == nullptr) return Unavailable("the event stream is not running in this process");
  std::string text(last_event_id_header);
  std::string field = "Last-Event-ID";
  for (const auto& [name, value] : query) {
    if (name != "last_event_id")
      return InvalidArgument(name, "is not a known query parameter (last_event_id)");
    if (text.empty()) {
      text = value;
      field = "last_event_id";
    }
  }
  std::optional<int64_t> last;
  if (!text.empty()) {
    auto id = ParseInteger(text, field, 0, INT64_MAX);
    if (!id) return InvalidArgument(field, "must be an event id (an integer >= 0)");
    last = *id;
  }
  auto position = hub->StartPosition(last);
  if (!position) {
    Error e = position.error();
    e.field = field;
    return std::unexpected(std::move(e));
  }
  return StreamStart{.organization = caller.organization->id, .position = *position};
}

uint64_t StreamService::Attach(const StreamStart& start, std::shared_ptr<StreamSink> sink) const {
  StreamHub* hub = hub_.load();
  return hub == nullptr ? 0 : hub->Attach(start.organization, start.position, std::move(sink));
}

void StreamService::Detach(uint64_t id) const {
  if (StreamHub* hub = hub_.load(); hub != nullptr && id != 0) hub->Detach(id);
}

}  // namespace infrashare
