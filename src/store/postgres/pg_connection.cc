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

Params& Params::AddArray(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (const auto& item : items) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  values_.emplace_back(std::move(literal));
  return *this;
}

Params& Params::AddArray(const std::vector<int64_t>& items) {
  std::string literal = "{";
  for (int64_t item : items) {
    if (literal.size() > 1) literal += ',';
    literal += std::to_string(item);
  }
  literal += '}';
  values_.emplace_back(std::move(literal));
  return *this;
}

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
  if (auto s = c->Run(kSessionSetup, "set up the session"); !s) return std::unexpected(s.error());
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

Result<Rows> Connection::ExecPlannedEachTime(std::string_view sql, const Params& params,
                                             std::string_view what) {
  if (Broken()) return std::unexpected(UnavailableError(what, "the connection is closed"));
  auto pointers = Pointers(params, what);
  if (!pointers) return std::unexpected(pointers.error());
  return Finish(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(pointers->size()), nullptr,
                             pointers->data(), nullptr, nullptr, 0),
                what);
}

Result<Rows> Connection::Exec(std::string_view sql, const Params& params, std::string_view what) {
  if (Broken()) return std::unexpected(UnavailableError(what, "the connection is closed"));
  auto pointers = Pointers(params, what);
  if (!pointers) return std::unexpected(pointers.error());
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    std::string name = fmt::format("s{}", statements_.size());
    auto prepared = Finish(PQprepare(conn_, name.c_str(), std::string(sql).c_str(), 0, nullptr), what);
    if (!prepared) return std::unexpected(prepared.error());
    it = statements_.emplace(std::string(sql), std::move(name)).first;
  }
  return Finish(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(pointers->size()),
                               pointers->data(), nullptr, nullptr, 0),
                what);
}

Result<Rows> Connection::Query(std::string_view sql, std::string_view what) {
  if (Broken()) return std::unexpected(UnavailableError(what, "the connection is closed"));
  return Finish(PQexec(conn_, std::string(sql).c_str()), what);
}

Result<void> Connection::Run(std::string_view sql, std::string_view what) {
  auto r = Query(sql, what);
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace infrashare::postgres
