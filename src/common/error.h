// Errors as values. Everything a user or the environment can cause (bad
// input, not found, forbidden, conflict, database busy) is an Error returned
// in a Result<T>; exceptions are kept for bugs and caught at the HTTP
// boundary. The mapping from ErrorCode to an HTTP status lives in one place,
// src/http/problem.h.
//
// Thread behaviour: plain values, safe to copy across threads.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace infrashare {

enum class ErrorCode {
  kInvalidArgument,  // the request is malformed or violates a rule
  kUnauthenticated,  // no or bad credentials
  kForbidden,        // authenticated, but the role does not allow it
  kNotFound,         // unknown id, or a record the caller may not see
  kConflict,         // the state of a record forbids the change
  kTooLarge,         // a body or a field exceeds a documented limit
  kUnavailable,      // the database or a dependency is busy or down; retry
  kInternal,         // a bug; the message must not leak details
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // a sentence a person can act on
  std::string field;  // the field at fault, as a JSON pointer-ish path ("audience.sectors[2]"); may be empty
  // A stable key naming this kind of failure ("sign_in_locked"), for a
  // client to show in its own language (the browser UI's dictionaries); may
  // be empty. Never changes once shipped; the message may.
  std::string reason;
};

template <class T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message, std::string field = {}) {
  return std::unexpected<Error>(Error{code, std::move(message), std::move(field)});
}
// `error` with its Error::reason set.
inline std::unexpected<Error> WithReason(std::unexpected<Error> error, std::string reason) {
  error.error().reason = std::move(reason);
  return error;
}
inline std::unexpected<Error> InvalidArgument(std::string field, std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), std::move(field));
}
inline std::unexpected<Error> NotFound(std::string message) {
  return MakeError(ErrorCode::kNotFound, std::move(message));
}
inline std::unexpected<Error> Forbidden(std::string message) {
  return MakeError(ErrorCode::kForbidden, std::move(message));
}
inline std::unexpected<Error> Conflict(std::string message, std::string field = {}) {
  return MakeError(ErrorCode::kConflict, std::move(message), std::move(field));
}
inline std::unexpected<Error> Unavailable(std::string message) {
  return MakeError(ErrorCode::kUnavailable, std::move(message));
}
inline std::unexpected<Error> Internal(std::string message) {
  return MakeError(ErrorCode::kInternal, std::move(message));
}

}  // namespace infrashare

namespace infrashare::internal {
template <class T>
T TakeValue(std::expected<T, Error>&& result) {
  return std::move(*result);
}
inline void TakeValue(std::expected<void, Error>&&) {}
}  // namespace infrashare::internal

// The one way to pass an error on: evaluates `expr` (a Result); on error,
// returns that error from the enclosing function (which returns a Result);
// otherwise yields the value (nothing for a Result<void>).
//
//   INFRASHARE_TRY(tx.InsertRevision(revision));
//   auto report = INFRASHARE_TRY(tx.GetReport(space, id));  // std::optional<Report>
//
// A GNU statement expression (GCC and Clang): `return` inside it returns
// from the enclosing function or lambda. Not for coroutines.
#define INFRASHARE_TRY(expr)                                                                      \
  ({                                                                                              \
    auto&& infrashare_try_result = (expr);                                                        \
    if (!infrashare_try_result) return std::unexpected(std::move(infrashare_try_result).error()); \
    ::infrashare::internal::TakeValue(std::move(infrashare_try_result));                          \
  })
