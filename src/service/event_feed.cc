#include "service/event_feed.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "domain/alert/alert_json.h"
#include "domain/report/report_json.h"
#include "domain/sharing/visibility.h"
#include "service/report_service.h"

namespace infrashare {
namespace {

// When the stream's deliveries are recorded (EventFeed::RecordLoop).
constexpr std::chrono::milliseconds kRecordQuiet{250};
constexpr std::chrono::seconds kRecordAtMost{5};

class ReportEvent final : public StreamEvent {
 public:
  ReportEvent(OutboxEvent event, const Space& served, std::shared_ptr<const Registry> registry,
              std::optional<Report> report, std::vector<std::string> source_terms)
      : event_(std::move(event)),
        in_served_space_(event_.space == served),
        registry_(std::move(registry)),
        report_(std::move(report)),
        source_terms_(std::move(source_terms)) {}

  int64_t id() const override { return event_.seq; }
  std::string_view type() const override { return event_.type; }

  std::optional<std::string> Render(const std::string& organization) override {
    if (!report_ || !in_served_space_) return std::nullopt;
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
  bool in_served_space_;
  std::shared_ptr<const Registry> registry_;
  std::optional<Report> report_;
  std::vector<std::string> source_terms_;
  std::string full_, hidden_;
};

class AlertEvent final : public StreamEvent {
 public:
  // `head`: the alert without recipients; `rows`: the rows the event may
  // show (alert.raised: every row; an event about one recipient: its row).
  AlertEvent(OutboxEvent event, const Space& served, std::shared_ptr<const Registry> registry,
             std::optional<Alert> head, std::vector<RecipientRowText> rows, std::optional<Report> report,
             EventFeed* feed)
      : event_(std::move(event)),
        in_served_space_(event_.space == served),
        registry_(std::move(registry)),
        head_(std::move(head)),
        rows_(std::move(rows)),
        report_(std::move(report)),
        feed_(feed) {
    for (size_t i = 0; i < rows_.size(); ++i) row_of_.emplace(rows_[i].organization, i);
  }

  int64_t id() const override { return event_.seq; }
  std::string_view type() const override { return event_.type; }

  std::optional<std::string> Render(const std::string& organization) override {
    if (!head_ || !in_served_space_) return std::nullopt;
    const Organization* org = registry_->FindOrganization(organization);
    if (org == nullptr) return std::nullopt;
    const auto own = row_of_.find(organization);
    const AlertView view = AlertVisibility(org, ViewerAlert(organization, own != row_of_.end()));
    if (view == AlertView::kNone) return std::nullopt;
    const bool subject_event = !event_.subject.empty();
    const RecipientRowText* row = nullptr;
    if (subject_event) {
      auto it = row_of_.find(event_.subject);
      if (it == row_of_.end()) return std::nullopt;
      if (view == AlertView::kOwnRow && organization != event_.subject) return std::nullopt;
      row = &rows_[it->second];
    } else if (own != row_of_.end()) {
      row = &rows_[own->second];
    }
    const bool show_report = report_ && Visibility(org, *report_, *registry_) != View::kNone;
    // The alert without recipients reads the same for every viewer but for
    // the report it names: rendered once per variant (an alert to every
    // organization renders thousands of times). Rows are passed on as stored.
    std::string& head = head_json_[show_report ? 1 : 0];
    if (head.empty())
      head = AlertHeadToJson(PresentAlert(*head_, view, *org, *registry_, show_report)).dump();
    if (type_json_.empty()) type_json_ = Json(event_.type).dump();
    // A row is passed on as stored, but another organization's to a viewer
    // that may not read its contacts (the raiser, about a recipient's event).
    std::string shown_row;
    if (row != nullptr && row->organization != organization) {
      const Organization* of = registry_->FindOrganization(row->organization);
      if (of == nullptr || !ContactsVisible(org, *of, *registry_)) {
        auto parsed = RecipientFromJson(Json::parse(row->json, nullptr, /*allow_exceptions=*/false));
        if (!parsed) return std::nullopt;  // a stored row this version cannot read: not shown half
        shown_row = RecipientJsonText(PresentRecipient(std::move(*parsed), *org, *registry_));
      }
    }
    const std::string_view recipient = !shown_row.empty() ? std::string_view(shown_row)
                                       : row != nullptr   ? std::string_view(row->json)
                                                          : std::string_view("null");
    const bool summary = view == AlertView::kFull && !subject_event;
    if (summary && summary_json_.empty()) {
      std::vector<DeliveryState> states;
      states.reserve(rows_.size());
      for (const auto& r : rows_) states.push_back(r.state);
      summary_json_ = AlertSummary(states).dump();
    }
    // {"type":…,"alert":…,"recipient":…[,"summary":…]}, assembled without a
    // format string: this runs once per organization.
    std::string body;
    body.reserve(type_json_.size() + head.size() + recipient.size() + (summary ? summary_json_.size() : 0) +
                 48);
    body.append(R"({"type":)").append(type_json_).append(R"(,"alert":)").append(head);
    body.append(R"(,"recipient":)").append(recipient);
    if (summary) body.append(R"(,"summary":)").append(summary_json_);
    body += '}';
    return body;
  }

  void Delivered(const std::string& organization) override {
    if (!head_ || feed_ == nullptr) return;
    const bool reaches = event_.type == "alert.raised"            ? row_of_.contains(organization)
                         : event_.type == "alert.recipient_added" ? organization == event_.subject
                                                                  : false;
    if (!reaches) return;
    feed_->QueueDelivery(ChannelUpdate{
        .alert_id = head_->id,
        .space = head_->space,
        .organization = organization,
        .delivery = {.channel = "stream", .state = DeliveryState::kDelivered, .at = event_.at}});
  }

 private:
  // The head with the viewer's own row (when it has one) standing for the
  // rows: AlertVisibility's answer on the whole alert, without a scan.
  const Alert& ViewerAlert(const std::string& organization, bool has_row) {
    if (viewer_.id.empty()) viewer_ = *head_;
    viewer_.recipients.clear();
    if (has_row) viewer_.recipients.push_back(AlertRecipient{.organization = organization});
    return viewer_;
  }

  OutboxEvent event_;
  bool in_served_space_;
  std::shared_ptr<const Registry> registry_;
  std::optional<Alert> head_;
  std::vector<RecipientRowText> rows_;
  std::optional<Report> report_;
  EventFeed* feed_;
  std::unordered_map<std::string, size_t> row_of_;
  Alert viewer_;              // ViewerAlert's scratch
  std::string head_json_[2];  // the head as JSON, without / with the report id
  std::string summary_json_;  // counts per state (viewers that see every row)
  std::string type_json_;     // the event's type as a JSON string
};

}  // namespace

EventFeed::EventFeed(Store& store, RegistryService& registry, AlertService* alerts, Space space)
    : store_(store), registry_(registry), alerts_(alerts), space_(std::move(space)) {}

Result<int64_t> EventFeed::Newest() {
  return store_.Read([](ReadTx& tx) { return tx.NewestOutboxSeq(); });
}

Result<std::vector<std::unique_ptr<StreamEvent>>> EventFeed::After(int64_t after, int limit) {
  auto registry = registry_.Snapshot();
  using Events = std::vector<std::unique_ptr<StreamEvent>>;
  return store_.Read([&](ReadTx& tx) -> Result<Events> {
    auto events = INFRASHARE_TRY(tx.ListOutbox(after, limit));
    Events out;
    out.reserve(events.size());
    for (auto& e : events) {
      if (e.space != space_) {  // renders for nobody; listed so that readers pass it
        out.push_back(std::make_unique<ReportEvent>(std::move(e), space_, registry, std::nullopt,
                                                    std::vector<std::string>{}));
        continue;
      }
      if (e.type.starts_with("report.")) {
        auto report = INFRASHARE_TRY(tx.GetReport(e.space, e.record_id));
        std::vector<std::string> terms;
        if (report && report->anonymized) terms = INFRASHARE_TRY(SourceTerms(tx, *report, *registry));
        out.push_back(std::make_unique<ReportEvent>(std::move(e), space_, registry, std::move(report),
                                                    std::move(terms)));
        continue;
      }
      auto head = INFRASHARE_TRY(tx.GetAlertHead(e.space, e.record_id));
      std::vector<RecipientRowText> rows;
      if (head && e.subject.empty()) {
        auto texts = INFRASHARE_TRY(tx.ListAlertRecipientTexts(e.record_id));
        rows = std::move(texts);
      } else if (head) {
        auto row = INFRASHARE_TRY(tx.GetAlertRecipient(e.record_id, e.subject));
        if (!row)
          head.reset();
        else
          rows.push_back(
              {.organization = row->organization, .state = row->state, .json = RecipientJsonText(*row)});
      }
      std::optional<Report> report;
      if (head && !head->report_id.empty()) {
        auto rep = INFRASHARE_TRY(tx.GetReport(head->space, head->report_id));
        report = std::move(rep);
      }
      out.push_back(std::make_unique<AlertEvent>(std::move(e), space_, registry, std::move(head),
                                                 std::move(rows), std::move(report), this));
    }
    return out;
  });
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
    // and recording them competes with sending for the same cores. Recorded
    // once no delivery came for kRecordQuiet, or kRecordAtMost after the first.
    const auto first = std::chrono::steady_clock::now();
    while (!stopping_) {
      const size_t seen = pending_.size();
      wake_.wait_for(lock, kRecordQuiet, [this] { return stopping_; });
      if (pending_.size() == seen || std::chrono::steady_clock::now() - first >= kRecordAtMost) break;
    }
    std::vector<ChannelUpdate> updates;
    updates.swap(pending_);
    lock.unlock();
    // Large fan-outs are recorded in slices: one transaction each.
    constexpr size_t kSlice = 1000;
    for (size_t i = 0; i < updates.size(); i += kSlice) {
      std::vector<ChannelUpdate> slice(updates.begin() + i,
                                       updates.begin() + std::min(updates.size(), i + kSlice));
      if (auto r = alerts_->RecordChannels(slice); !r)
        spdlog::warn("stream deliveries not recorded ({} updates): {}", slice.size(), r.error().message);
    }
    lock.lock();
  }
}

}  // namespace infrashare
