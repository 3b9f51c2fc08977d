#include "store/postgres/pg_connection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "store/postgres/pg_error.h"
#include "store/postgres/pg_tuning.h"

namespace infrashare::postgres {

namespace {

bool HasNul(const std::string& s) { return s.find('\0') != std::string::npos; }

// The server's warnings go to the log (notices are off: client_min_messages).
void LogNotice(void*, const char* message) {
  std::string_view m(message);
  while (!m.empty() && m.back() == '\n') m.remove_suffix(1);
  spdlog::warn("postgres: {}", m);
}

}  // namespace

int64_t Rows::Int(int row, int col) const {
  const std::string_view text = Text(row, col);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

int64_t Rows::Affected() const {
  const char* n = PQcmdTuples(result_);
  int64_t value = 0;
  if (n != nullptr) std::from_chars(n, n + std::char_traits<char>::length(n), value);
  return value;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  // Keywords before dbname are defaults the URL may override; those after
  // it are what the backend relies on.
  const std::string timeout = std::to_string(kConnectTimeoutSeconds);
  const char* keys[] = {"connect_timeout", "application_name", "keepalives_idle",
                        "dbname",          "client_encoding",  nullptr};
  const char* values[] = {timeout.c_str(), "infrashare", "30", url.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Unavailable("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    PQfinish(conn);
    return Unavailable(fmt::format("cannot connect to PostgreSQL: {}", message));
  }
  PQsetNoticeProcessor(conn, LogNotice, nullptr);
  auto c = std::make_unique<Connection>(conn);
  INFRASHARE_TRY(c->Run(kSessionSetup, "set up the session"));
  return c;
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::InTransaction() const {
  const PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

Result<Rows> Connection::Finish(PGresult* result, std::string_view what) {
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Rows(result);
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (IsConnectionLoss(state ? state : "") || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  Error error = MakePgError(result, conn_, what);
  PQclear(result);
  return std::unexpected(std::move(error));
}

// The parameter values as libpq takes them, or an error for a value libpq
// would cut (text parameters travel as C strings).
static Result<std::vector<const char*>> Pointers(const Params& params, std::string_view what) {
  std::vector<const char*> pointers;
  pointers.reserve(params.size());
  for (const auto& v : params.values()) {
    if (v && HasNul(*v))
      return InvalidArgument("", fmt::format("{}: text must not contain NUL characters", what));
    pointers.push_back(v ? v->c_str() : nullptr);
  }
  return pointers;
}

Result<std::string> Connection::Prepared(std::string_view sql, std::string_view what) {
  const std::string text(sql);
  if (auto it = statements_.find(text); it != statements_.end()) return it->second;
  std::string name = fmt::format("s{}", next_statement_++);
  if (Pipelined()) {
    if (PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr) != 1)
      return std::unexpected(Finish(nullptr, what).error());
    queued_.push_back({std::string(what), text});
  } else {
    INFRASHARE_TRY(Finish(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), what));
  }
  statements_.emplace(text, name);
  return name;
}

Result<void> Connection::SendPrepared(const std::string& name, const Params& params, std::string_view what) {
  auto pointers = INFRASHARE_TRY(Pointers(params, what));
  if (PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(pointers.size()), pointers.data(), nullptr,
                          nullptr, 0) != 1)
    return std::unexpected(Finish(nullptr, what).error());
  ++statements_sent_;
  queued_.push_back({std::string(what), {}});
  return {};
}

Result<Rows> Connection::ReadQueued() {
  Queued queued = std::move(queued_.front());
  queued_.pop_front();
  PGresult* result = PQgetResult(conn_);
  // A statement's results end with a null result.
  while (result != nullptr && PQstatus(conn_) == CONNECTION_OK) {
    PGresult* more = PQgetResult(conn_);
    if (more == nullptr) break;
    PQclear(more);
  }
  if (result != nullptr && PQresultStatus(result) == PGRES_PIPELINE_ABORTED) {
    PQclear(result);  // skipped: the failure before it is the one to answer
    if (!queued.prepared_sql.empty()) statements_.erase(queued.prepared_sql);
    return Internal(fmt::format("{}: skipped after an earlier failure", queued.what));
  }
  auto rows = Finish(result, queued.what);
  if (!rows && !queued.prepared_sql.empty()) statements_.erase(queued.prepared_sql);
  return rows;
}

Result<std::optional<Rows>> Connection::SyncAndRead(bool keep_last) {
  std::optional<Error> failure;
  std::optional<Rows> last;
  if (PQpipelineSync(conn_) != 1) failure = Finish(nullptr, "send pipeline").error();
  while (!broken_ && !queued_.empty()) {
    const bool is_last = queued_.size() == 1;
    auto rows = ReadQueued();
    if (!rows && !failure) failure = rows.error();
    if (rows && is_last && keep_last) last.emplace(std::move(*rows));
  }
  queued_.clear();
  if (!broken_) {
    PGresult* sync = PQgetResult(conn_);
    if (sync == nullptr || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) broken_ = true;
    PQclear(sync);
  }
  if (broken_ && (!failure || failure->code != ErrorCode::kUnavailable))
    failure = UnavailableError("pipeline", "the connection was lost");
  if (failure) return std::unexpected(std::move(*failure));
  return last;
}

void Connection::BeginPipeline() {
  // Refused only while something is in flight: statements then run one at a time.
  if (!Broken()) (void)PQenterPipelineMode(conn_);
}

Result<void> Connection::Send(std::string_view sql, const Params& params, std::string_view what) {
  if (!Pipelined()) {
    INFRASHARE_TRY(Exec(sql, params, what));
    return {};
  }
  if (Broken()) return std::unexpected(UnavailableError(what, "the connection is closed"));
  auto name = INFRASHARE_TRY(Prepared(sql, what));
  if (auto s = SendPrepared(name, params, what); !s) return s;
  // The server's answers wait in the socket until read: bounded.
  if (queued_.size() >= kPipelineDepth) return Sync();
  return {};
}

Result<void> Connection::Sync() {
  if (!Pipelined()) return {};
  INFRASHARE_TRY(SyncAndRead(/*keep_last=*/false));
  return {};
}

Result<void> Connection::EndPipeline() {
  if (!Pipelined()) return {};
  auto synced = Sync();
  if (!broken_ && PQexitPipelineMode(conn_) != 1) broken_ = true;
  return synced;
}

Result<Rows> Connection::ExecPlannedEachTime(std::string_view sql, const Params& params,
                                             std::string_view what) {
  INFRASHARE_TRY(EndPipeline());
  if (Broken()) return std::unexpected(UnavailableError(what, "the connection is closed"));
  auto pointers = INFRASHARE_TRY(Pointers(params, what));
  ++statements_sent_;
  return Finish(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(pointers.size()), nullptr,
                             pointers.data(), nullptr, nullptr, 0),
                what);
}

Result<Rows> Connection::Exec(std::string_view sql, const Params& params, std::string_view what) {
  if (Broken()) return std::unexpected(UnavailableError(what, "the connection is closed"));
  auto name = INFRASHARE_TRY(Prepared(sql, what));
  if (Pipelined()) {
    INFRASHARE_TRY(SendPrepared(name, params, what));
    auto rows = INFRASHARE_TRY(SyncAndRead(/*keep_last=*/true));
    return std::move(*rows);
  }
  auto pointers = INFRASHARE_TRY(Pointers(params, what));
  ++statements_sent_;
  return Finish(PQexecPrepared(conn_, name.c_str(), static_cast<int>(pointers.size()), pointers.data(),
                               nullptr, nullptr, 0),
                what);
}

Result<Rows> Connection::Query(std::string_view sql, std::string_view what) {
  INFRASHARE_TRY(EndPipeline());
  if (Broken()) return std::unexpected(UnavailableError(what, "the connection is closed"));
  ++statements_sent_;
  return Finish(PQexec(conn_, std::string(sql).c_str()), what);
}

Result<void> Connection::Run(std::string_view sql, std::string_view what) {
  INFRASHARE_TRY(Query(sql, what));
  return {};
}

}  // namespace infrashare::postgres
