#include "service/credential_watch.h"

#include <spdlog/spdlog.h>

#include <map>

namespace infrashare {
namespace {

Result<std::string> StoredVersion(Store& store) {
  return store.Read([](ReadTx& tx) -> Result<std::string> {
    return INFRASHARE_TRY(tx.GetMeta(kCredentialsVersionKey)).value_or("");
  });
}

}  // namespace

CredentialWatch::CredentialWatch(Services& services, Options options)
    : services_(services), options_(options) {}

CredentialWatch::~CredentialWatch() { Stop(); }

Result<void> CredentialWatch::Start() {
  seen_version_ = INFRASHARE_TRY(StoredVersion(services_.store));
  checked_at_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { Run(); });
  return {};
}

void CredentialWatch::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CredentialWatch::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    if (auto r = Step(); !r) spdlog::warn("credential watch: {}", r.error().message);
    lock.lock();
    wake_.wait_for(lock, options_.poll, [this] { return stopping_; });
  }
}

Result<void> CredentialWatch::Step() {
  if (auto r = services_.registry.Refresh(); !r)
    spdlog::warn("credential watch: the registry was not refreshed: {}", r.error().message);
  const std::string version = INFRASHARE_TRY(StoredVersion(services_.store));
  const bool moved = version != seen_version_;
  if (moved) services_.auth.ForgetAll();
  if (!moved && std::chrono::steady_clock::now() - checked_at_ < options_.recheck) return {};
  INFRASHARE_TRY(CheckStreams());
  // Only once the streams were checked: a failed check is tried again.
  seen_version_ = version;
  checked_at_ = std::chrono::steady_clock::now();
  return {};
}

Result<void> CredentialWatch::CheckStreams() {
  const std::vector<OpenStream> open = services_.stream.OpenStreams();
  if (open.empty()) return {};
  // Each credential once, however many streams it opened.
  std::map<std::pair<CredentialRef::Kind, std::string>, bool> stands;
  for (const auto& s : open) stands.emplace(std::pair{s.credential.kind, s.credential.id}, true);
  const Timestamp now = services_.clock.Now();
  INFRASHARE_TRY(services_.store.Read([&](ReadTx& tx) -> Result<void> {
    for (auto& [credential, standing] : stands) {
      const auto& [kind, id] = credential;
      if (kind == CredentialRef::Kind::kToken) {
        standing = INFRASHARE_TRY(AuthService::Stands(tx, id));
      } else {
        standing = INFRASHARE_TRY(SessionService::Stands(tx, id, now));
      }
    }
    return {};
  }));
  uint64_t ended = 0;
  for (const auto& s : open) {
    if (stands.at({s.credential.kind, s.credential.id})) continue;
    services_.stream.EndForCredential(s.id);
    ++ended;
  }
  if (ended > 0) spdlog::info("credential watch: ended {} event streams whose credential ended", ended);
  return {};
}

}  // namespace infrashare
