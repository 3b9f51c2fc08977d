// SqliteTx: report heads with their grants, sectors and text index;
// revisions.
#include <fmt/format.h>

#include <algorithm>

#include "domain/report/report_json.h"
#include "store/sqlite/fts_text.h"
#include "store/sqlite/sqlite_tx.h"

namespace infrashare::sqlite {

namespace {

std::vector<std::string> Distinct(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

std::string StringMember(const Json& json, const char* key) {
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Binds the columns that reports shares between INSERT and UPDATE.
void BindHead(Statement& s, const Report& report, const std::vector<std::string>& grants) {
  s.Bind(":space", report.space.id());
  s.Bind(":kind", NameOf(kReportKindNames, report.content.kind));
  s.Bind(":route", NameOf(kRouteNames, report.route));
  s.Bind(":tlp", NameOf(kTlpNames, report.content.tlp));
  s.Bind(":created_at", ToMicros(report.created_at));
  s.Bind(":updated_at", ToMicros(report.updated_at));
  s.Bind(":grants", DumpDocument(Json(grants)));
  s.Bind(":doc", stored::ReportDocument(report));
}

}  // namespace

Result<void> SqliteTx::IndexReport(int64_t seq, const Report& report,
                                   const std::vector<std::string>& grants) {
  {
    auto s =
        INFRASHARE_TRY(conn_.Prepare("INSERT INTO report_grants (space, key, seq, kind, route, tlp) "
                                     "VALUES (:space, :key, :seq, :kind, :route, :tlp)"));
    for (const auto& key : grants) {
      s->Bind(":space", report.space.id());
      s->Bind(":key", key);
      s->Bind(":seq", seq);
      s->Bind(":kind", NameOf(kReportKindNames, report.content.kind));
      s->Bind(":route", NameOf(kRouteNames, report.route));
      s->Bind(":tlp", NameOf(kTlpNames, report.content.tlp));
      if (auto r = s->Run("index report grants"); !r) return r;
      s->Reset();
    }
  }
  {
    auto s = INFRASHARE_TRY(conn_.Prepare("INSERT INTO report_sectors (seq, sector) VALUES (:seq, :sector)"));
    for (const auto& sector : Distinct(report.content.sectors)) {
      s->Bind(":seq", seq);
      s->Bind(":sector", sector);
      if (auto r = s->Run("index report sectors"); !r) return r;
      s->Reset();
    }
  }
  pending_text_.push_back(
      {seq, false, FtsIndexText(report.content.title), FtsIndexText(report.content.text)});
  return {};
}

Result<void> SqliteTx::FlushPendingText() {
  std::vector<PendingText> pending = std::move(pending_text_);
  pending_text_.clear();
  if (pending.empty()) return {};
  auto add = INFRASHARE_TRY(
      conn_.Prepare("INSERT INTO report_text (rowid, title, text) VALUES (:seq, :title, :text)"));
  // A contentless FTS5 row is removed by repeating what was inserted.
  auto remove = INFRASHARE_TRY(conn_.Prepare(
      "INSERT INTO report_text (report_text, rowid, title, text) VALUES ('delete', :seq, :title, :text)"));
  for (const auto& p : pending) {
    Statement& s = p.remove ? *remove : *add;
    s.Bind(":seq", p.seq);
    s.Bind(":title", p.title);
    s.Bind(":text", p.text);
    auto r = s.Run(p.remove ? "remove report text" : "index report text");
    s.Reset();
    if (!r) return r;
  }
  return {};
}

Result<int64_t> SqliteTx::InsertReport(const Report& report, const std::vector<std::string>& grants) {
  const auto keys = Distinct(grants);
  {
    auto s = INFRASHARE_TRY(conn_.Prepare(
        "INSERT INTO reports (id, space, kind, route, tlp, created_at, updated_at, grants, doc) "
        "VALUES (:id, :space, :kind, :route, :tlp, :created_at, :updated_at, :grants, :doc)"));
    s->Bind(":id", report.id);
    BindHead(*s, report, keys);
    auto r = s->Run("insert report");
    if (!r && r.error().code == ErrorCode::kConflict)
      return Conflict(fmt::format("report '{}' already exists", report.id), "id");
    INFRASHARE_TRY(std::move(r));
  }
  const int64_t seq = conn_.LastInsertRowid();
  INFRASHARE_TRY(IndexReport(seq, report, keys));
  return seq;
}

Result<void> SqliteTx::UpdateReport(const Report& report, const std::vector<std::string>& grants) {
  const auto keys = Distinct(grants);
  int64_t seq = 0;
  std::string old_space, old_title, old_text;
  Json old_grants;
  {
    auto s = INFRASHARE_TRY(conn_.Prepare("SELECT seq, space, grants, doc FROM reports WHERE id = :id"));
    s->Bind(":id", report.id);
    auto row = INFRASHARE_TRY(s->Step("find report"));
    if (!row) return NotFound(fmt::format("report '{}' not found", report.id));
    seq = s->Int(0);
    old_space = std::string(s->Text(1));
    const std::string what = fmt::format("stored report #{}", seq);
    auto g = INFRASHARE_TRY(ParseStoredDocument(s->Text(2), what));
    auto doc = INFRASHARE_TRY(ParseStoredDocument(s->Text(3), what));
    if (!g.is_array() || !doc.is_object()) return Internal(what + " is unreadable");
    old_grants = std::move(g);
    old_title = StringMember(doc, "title");
    old_text = StringMember(doc, "text");
  }
  {
    auto s = INFRASHARE_TRY(conn_.Prepare(
        "UPDATE reports SET space = :space, kind = :kind, route = :route, tlp = :tlp, created_at = "
        ":created_at, "
        "updated_at = :updated_at, grants = :grants, doc = :doc WHERE seq = :seq"));
    s->Bind(":seq", seq);
    BindHead(*s, report, keys);
    if (auto r = s->Run("update report"); !r) return r;
  }
  {
    auto s = INFRASHARE_TRY(
        conn_.Prepare("DELETE FROM report_grants WHERE space = :space AND key = :key AND seq = :seq"));
    for (const auto& key : old_grants) {
      if (!key.is_string()) continue;
      s->Bind(":space", old_space);
      s->Bind(":key", key.get_ref<const std::string&>());
      s->Bind(":seq", seq);
      if (auto r = s->Run("remove report grants"); !r) return r;
      s->Reset();
    }
  }
  {
    auto s = INFRASHARE_TRY(conn_.Prepare("DELETE FROM report_sectors WHERE seq = :seq"));
    s->Bind(":seq", seq);
    if (auto r = s->Run("remove report sectors"); !r) return r;
  }
  pending_text_.push_back({seq, true, FtsIndexText(old_title), FtsIndexText(old_text)});
  return IndexReport(seq, report, keys);
}

Result<void> SqliteTx::InsertReportAt(int64_t seq, const Report& report,
                                      const std::vector<std::string>& grants) {
  const auto keys = Distinct(grants);
  {
    auto s = INFRASHARE_TRY(conn_.Prepare(
        "INSERT INTO reports (seq, id, space, kind, route, tlp, created_at, updated_at, grants, doc) "
        "VALUES (:seq, :id, :space, :kind, :route, :tlp, :created_at, :updated_at, :grants, :doc)"));
    s->Bind(":seq", seq);
    s->Bind(":id", report.id);
    BindHead(*s, report, keys);
    auto r = s->Run("import report");
    if (!r && r.error().code == ErrorCode::kConflict)
      return Conflict(fmt::format("report '{}' (#{}) already exists", report.id, seq), "id");
    if (!r) return r;
  }
  return IndexReport(seq, report, keys);
}
}  // namespace infrashare::sqlite
