// The event stream of one caller (GET /api/v1/stream): where it resumes, and
// its subscription to the hub of this process's background work. The HTTP
// side (api/stream_handlers.cc) only adapts its connection to a StreamSink.
//
// Thread behaviour: thread-safe; Serve may be called while others use it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/error.h"
#include "hotline/stream_hub.h"
#include "service/caller.h"

namespace infrashare {

// Where one caller's stream starts, and what it was opened with.
struct StreamStart {
  std::string organization;
  int64_t position = 0;  // the last event id passed; events after it follow
  std::optional<CredentialRef> credential;
};

// An open stream of this process and the credential it was opened with.
struct OpenStream {
  uint64_t id = 0;
  CredentialRef credential;
};

class StreamService {
 public:
  // The hub streams are served from (the serving process's, while it runs);
  // nullptr: this process serves no stream.
  void Serve(StreamHub* hub) { hub_.store(hub); }

  // After the id a reconnecting EventSource sends (`last_event_id_header`,
  // the Last-Event-ID header), else after the `last_event_id` query
  // parameter of a first connection that resumes, else at the newest event.
  // Errors: kUnauthenticated; kUnavailable when this process serves no
  // stream; kInvalidArgument naming the field (an id that is not a number or
  // ahead of the newest event, an unknown parameter).
  Result<StreamStart> Start(const Caller& caller, std::string_view last_event_id_header,
                            const std::vector<std::pair<std::string, std::string>>& query) const;

  // Subscribes `sink` from `start`; the id for Detach. 0 when the process
  // stopped serving meanwhile (nothing to detach).
  uint64_t Attach(const StreamStart& start, std::shared_ptr<StreamSink> sink) const;
  void Detach(uint64_t id) const;

  // The streams open in this process that were opened with a credential.
  std::vector<OpenStream> OpenStreams() const;
  // Ends the stream `id` because its credential ended (revoked, signed out,
  // its principal disabled): the client reads an `error` event with reason
  // "credential_ended" last. Its EventSource reconnects and is refused.
  void EndForCredential(uint64_t id) const;

 private:
  std::atomic<StreamHub*> hub_{nullptr};
  mutable std::mutex mutex_;
  mutable std::unordered_map<uint64_t, CredentialRef> open_;  // guarded by mutex_
};

}  // namespace infrashare
