#include "store/postgres/pg_error.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <string>

namespace infrashare::postgres {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// One line for the log: libpq's messages span several.
std::string Trimmed(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\t') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

bool IsConnectionLoss(std::string_view sqlstate) {
  return sqlstate.empty() || StartsWith(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

ErrorCode ErrorCodeFor(std::string_view sqlstate) {
  if (sqlstate == "23505") return ErrorCode::kConflict;
  if (sqlstate == "23503" || sqlstate == "23502" || sqlstate == "23514" || sqlstate == "22021" ||
      sqlstate == "22P05")
    return ErrorCode::kInvalidArgument;
  if (IsConnectionLoss(sqlstate) || StartsWith(sqlstate, "53") || StartsWith(sqlstate, "58") ||
      sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014" ||
      sqlstate == "25006")
    return ErrorCode::kUnavailable;
  return ErrorCode::kInternal;
}

Error UnavailableError(std::string_view what, std::string_view detail) {
  spdlog::warn("postgres store: {}: {}", what, Trimmed(detail));
  return Error{ErrorCode::kUnavailable, std::string(kUnavailableMessage), {}};
}

Error MakePgError(const PGresult* result, PGconn* conn, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = state ? state : "";
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string message = primary ? primary : Trimmed(PQerrorMessage(conn));
  const ErrorCode code = ErrorCodeFor(sqlstate);
  if (code == ErrorCode::kUnavailable)
    return UnavailableError(what,
                            fmt::format("{} (SQLSTATE {})", message, sqlstate.empty() ? "none" : sqlstate));
  return Error{code, fmt::format("{}: {}", what, message), {}};
}

}  // namespace infrashare::postgres
