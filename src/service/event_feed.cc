#include "service/event_feed.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unordered_map>

#include "domain/alert/alert_json.h"
#include "domain/report/report_json.h"
#include "domain/sharing/visibility.h"
#include "service/report_service.h"

namespace infrashare {
namespace {

constexpr std::chrono::milliseconds kRecordDelay{300};

Json AlertHeadJson(const Alert& alert) {
  Alert head = alert;
  head.recipients.clear();
  Json j = AlertToJson(head);
  j.erase("recipients");
  return j;
}

class ReportEvent final : public StreamEvent {
 public:
  ReportEvent(OutboxEvent event, std::shared_ptr<const Registry> registry, std::optional<Report> report,
              std::vector<std::string> source_terms)
      : event_(std::move(event)),
        registry_(std::move(registry)),
        report_(std::move(report)),
        source_terms_(std::move(source_terms)) {}

  int64_t id() const override { return event_.seq; }
  std::string_view type() const override { return event_.type; }

  std::optional<std::string> Render(const std::string& organization) override {
    if (!report_ || event_.space != "live") return std::nullopt;
    const Organization* org = registry_->FindOrganization(organization);
    if (org == nullptr) return std::nullopt;
    const View view = Visibility(org, *report_, *registry_);
    if (view == View::kNone) return std::nullopt;
    std::string& cached = view == View::kFull ? full_ : hidden_;
    if (cached.empty())
      cached = Json{{"type", event_.type}, {"report", ToJson(Present(*report_, view, source_terms_))}}.dump();
    return cached;
  }

 private:
  OutboxEvent event_;
  std::shared_ptr<const Registry> registry_;
  std::optional<Report> report_;
  std::vector<std::string> source_terms_;
  std::string full_, hidden_;
};

class AlertEvent final : public StreamEvent {
 public:
  AlertEvent(OutboxEvent event, std::shared_ptr<const Registry> registry, std::optional<Alert> alert,
             std::optional<Report> report, EventFeed* feed)
      : event_(std::move(event)),
        registry_(std::move(registry)),
        alert_(std::move(alert)),
        report_(std::move(report)),
        feed_(feed) {
    if (!alert_) return;
    for (size_t i = 0; i < alert_->recipients.size(); ++i) rows_.emplace(alert_->recipients[i].organization, i);
    partial_ = *alert_;
    partial_.recipients.clear();
  }

  int64_t id() const override { return event_.seq; }
  std::string_view type() const override { return event_.type; }

  std::optional<std::string> Render(const std::string& organization) override {
    if (!alert_ || event_.space != "live") return std::nullopt;
    const Organization* org = registry_->FindOrganization(organization);
    if (org == nullptr) return std::nullopt;
    // AlertVisibility on the alert with only the row that concerns this
    // viewer: the same answer as on the whole alert, without a scan.
    partial_.recipients.clear();
    if (auto it = rows_.find(organization); it != rows_.end())
      partial_.recipients.push_back(alert_->recipients[it->second]);
    const AlertView view = AlertVisibility(org, partial_);
    if (view == AlertView::kNone) return std::nullopt;
    const bool subject_event = !event_.subject.empty();
    const AlertRecipient* row = nullptr;
    if (subject_event) {
      auto it = rows_.find(event_.subject);
      if (it == rows_.end()) return std::nullopt;
      if (view == AlertView::kOwnRow && organization != event_.subject) return std::nullopt;
      row = &alert_->recipients[it->second];
    } else if (!partial_.recipients.empty()) {
      row = &partial_.recipients.front();
    }
    const bool show_report = report_ && Visibility(org, *report_, *registry_) != View::kNone;
    // The alert without recipients reads the same for every viewer but for
    // the report it names: rendered once per variant (an alert to every
    // organization renders thousands of times).
    std::string& head = head_json_[show_report ? 1 : 0];
    if (head.empty()) {
      Alert presented = PresentAlert(partial_, view, organization, show_report);
      presented.recipients.clear();
      head = AlertHeadJson(presented).dump();
    }
    std::string body = fmt::format(R"({{"type":{},"alert":{},"recipient":{})", Json(event_.type).dump(), head,
                                   row != nullptr ? RecipientToJson(*row).dump() : "null");
    if (view == AlertView::kFull && !subject_event) body += fmt::format(R"(,"summary":{})", AlertSummary(*alert_).dump());
    body += '}';
    return body;
  }

  void Delivered(const std::string& organization) override {
    if (!alert_ || feed_ == nullptr) return;
    const bool reaches = event_.type == "alert.raised" ? rows_.contains(organization)
                         : event_.type == "alert.recipient_added" ? organization == event_.subject
                                                                  : false;
    if (!reaches) return;
    feed_->QueueDelivery(ChannelUpdate{
        .alert_id = alert_->id,
        .organization = organization,
        .delivery = {.channel = "stream", .state = DeliveryState::kDelivered, .at = event_.at}});
  }

 private:
  OutboxEvent event_;
  std::shared_ptr<const Registry> registry_;
  std::optional<Alert> alert_;
  std::optional<Report> report_;
  EventFeed* feed_;
  std::unordered_map<std::string, size_t> rows_;
  Alert partial_;                // the alert's head with the row of the viewer at hand
  std::string head_json_[2];     // the head as JSON, without / with the report id
};

}  // namespace

EventFeed::EventFeed(Store& store, RegistryService& registry, AlertService* alerts)
    : store_(store), registry_(registry), alerts_(alerts) {}

Result<int64_t> EventFeed::Newest() {
  int64_t newest = 0;
  auto r = store_.Read([&](ReadTx& tx) -> Result<void> {
    auto v = tx.NewestOutboxSeq();
    if (!v) return std::unexpected(v.error());
    newest = *v;
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return newest;
}

Result<std::vector<std::unique_ptr<StreamEvent>>> EventFeed::After(int64_t after, int limit) {
  auto registry = registry_.Snapshot();
  std::vector<std::unique_ptr<StreamEvent>> out;
  auto r = store_.Read([&](ReadTx& tx) -> Result<void> {
    auto events = tx.ListOutbox(after, limit);
    if (!events) return std::unexpected(events.error());
    out.reserve(events->size());
    for (auto& e : *events) {
      if (e.type.starts_with("report.")) {
        auto report = tx.GetReport(e.space, e.record_id);
        if (!report) return std::unexpected(report.error());
        std::vector<std::string> terms;
        if (*report && (*report)->anonymized) terms = SourceTerms(tx, **report, *registry);
        out.push_back(std::make_unique<ReportEvent>(std::move(e), registry, std::move(*report), std::move(terms)));
        continue;
      }
      std::optional<Alert> alert;
      if (e.subject.empty()) {
        auto a = tx.GetAlert(e.space, e.record_id);
        if (!a) return std::unexpected(a.error());
        alert = std::move(*a);
      } else {
        auto a = tx.GetAlertHead(e.space, e.record_id);
        if (!a) return std::unexpected(a.error());
        auto row = tx.GetAlertRecipient(e.record_id, e.subject);
        if (!row) return std::unexpected(row.error());
        if (*a && *row) {
          alert = std::move(*a);
          alert->recipients.push_back(std::move(**row));
        }
      }
      std::optional<Report> report;
      if (alert && !alert->report_id.empty()) {
        auto rep = tx.GetReport(alert->space, alert->report_id);
        if (!rep) return std::unexpected(rep.error());
        report = std::move(*rep);
      }
      out.push_back(std::make_unique<AlertEvent>(std::move(e), registry, std::move(alert), std::move(report), this));
    }
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return out;
}

EventFeed::~EventFeed() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (recorder_.joinable()) recorder_.join();
}

void EventFeed::QueueDelivery(ChannelUpdate update) {
  if (alerts_ == nullptr) return;
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(update));
  if (!recorder_.joinable() && !stopping_) recorder_ = std::thread([this] { RecordLoop(); });
}

void EventFeed::BatchDone() { wake_.notify_all(); }

void EventFeed::RecordLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (pending_.empty() && stopping_) return;
    // Let the fan-out that produced these finish first: an alert to every
    // organization is still being sent when its first deliveries come in,
    // and recording them competes with sending for the same cores.
    wake_.wait_for(lock, kRecordDelay, [this] { return stopping_; });
    std::vector<ChannelUpdate> updates;
    updates.swap(pending_);
    lock.unlock();
    // Large fan-outs are recorded in slices: one transaction each.
    constexpr size_t kSlice = 1000;
    for (size_t i = 0; i < updates.size(); i += kSlice) {
      std::vector<ChannelUpdate> slice(updates.begin() + i, updates.begin() + std::min(updates.size(), i + kSlice));
      if (auto r = alerts_->RecordChannels(slice); !r)
        spdlog::warn("stream deliveries not recorded ({} updates): {}", slice.size(), r.error().message);
    }
    lock.lock();
  }
}

}  // namespace infrashare
