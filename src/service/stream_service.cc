#include "service/stream_service.h"

#include <optional>

#include "common/parse.h"

namespace infrashare {
namespace {

// What a stream whose credential ended reads last.
constexpr std::string_view kCredentialEnded =
    "event: error\n"
    "data: {\"reason\":\"credential_ended\",\"detail\":\"the token or session this stream was opened with "
    "was revoked or signed out, or its principal was disabled\"}\n\n";

}  // namespace

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
  return StreamStart{
      .organization = caller.organization->id, .position = *position, .credential = caller.credential};
}

uint64_t StreamService::Attach(const StreamStart& start, std::shared_ptr<StreamSink> sink) const {
  StreamHub* hub = hub_.load();
  if (hub == nullptr) return 0;
  // Known before the hub can send: a credential ended meanwhile is found by
  // the next check.
  std::unique_lock lock(mutex_);
  const uint64_t id = hub->Attach(start.organization, start.position, std::move(sink));
  if (start.credential) open_.emplace(id, *start.credential);
  return id;
}

void StreamService::Detach(uint64_t id) const {
  {
    std::lock_guard lock(mutex_);
    open_.erase(id);
  }
  if (StreamHub* hub = hub_.load(); hub != nullptr && id != 0) hub->Detach(id);
}

std::vector<OpenStream> StreamService::OpenStreams() const {
  std::lock_guard lock(mutex_);
  std::vector<OpenStream> out;
  out.reserve(open_.size());
  for (const auto& [id, credential] : open_) out.push_back(OpenStream{.id = id, .credential = credential});
  return out;
}

void StreamService::EndForCredential(uint64_t id) const {
  {
    std::lock_guard lock(mutex_);
    open_.erase(id);
  }
  if (StreamHub* hub = hub_.load(); hub != nullptr) hub->End(id, kCredentialEnded);
}

}  // namespace infrashare
