// Ends what a credential opened once the credential ends, in every process
// on the database: an event stream opened with an API token or a browser
// session closes within a poll of the token's revocation, the session's
// sign-out, a password change or reset, or its principal being disabled —
// whichever process (a server beside this one, the command line) made the
// change. And the changes of another process show here at once: the
// registry is refreshed and the token cache forgotten.
//
// How it knows. Every transaction that revokes a token or a session or
// changes a principal counts up the meta value kCredentialsVersionKey
// (store.h: the store does it, so no path can forget); the registry's
// changes move its own version. The watch reads both every `poll`. When the
// credentials' count moved it forgets the token cache (AuthService::
// ForgetAll) and checks the credential of every stream open in this process
// in one read (AuthService::Stands, SessionService::Stands), ending those
// that no longer stand. It checks them also every `recheck` without a
// change, since a session's lifetime ends by the clock alone.
//
// Thread behaviour: Start/Stop from one thread; runs one thread of its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/error.h"
#include "service/services.h"

namespace infrashare {

class CredentialWatch {
 public:
  struct Options {
    std::chrono::milliseconds poll{250};
    std::chrono::milliseconds recheck{30000};
  };

  CredentialWatch(Services& services, Options options);
  ~CredentialWatch();  // Stop()s

  // Reads the current count; fails when the store cannot be read.
  Result<void> Start();
  void Stop();

 private:
  void Run();
  Result<void> Step();
  // Ends the open streams whose credential no longer stands.
  Result<void> CheckStreams();

  Services& services_;
  const Options options_;
  // Used by the watch's thread only (and Start before it runs).
  std::string seen_version_;
  std::chrono::steady_clock::time_point checked_at_;

  std::mutex mutex_;
  std::condition_variable wake_;
  // State below is protected by mutex_.
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace infrashare
