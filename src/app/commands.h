// The command line's subcommands, each a function that returns the process
// exit code. main.cc only declares the options and calls these.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "common/json.h"

namespace infrashare {

// `database` everywhere below is a data directory (SQLite) or a
// postgresql:// URL (store/open_store.h).

// init: creates the database, loads the registry (once) and prints, as its
// last line, a new API token of the first administrator.
int RunInit(const std::string& database, const std::string& registry_file);

// serve: serves until SIGINT/SIGTERM, then drains and returns 0.
int RunServe(const Config& config);

// admin: one administrative use case with the platform's own authority
// (whoever can run this can read the database). `what` names it:
// "org-add", "principal-add", "token-issue", "token-revoke".
int RunAdmin(const std::string& database, const std::string& what, const Json& body,
             const std::string& target);

// assess: the assessment and response plan for the facts in `facts_file`
// (the facts object, or a preview body {"facts", "sector", "policy"}),
// printed as JSON; nothing is stored.
int RunAssess(const std::string& facts_file, const std::string& registry_file, const std::string& severity_dir,
              const std::string& policy, const std::string& sector);

// audit verify: checks the hash chain; prints the first broken link.
int RunAuditVerify(const std::string& database);

// export: every table of `database` as JSON lines into out_file (store/dump.h
// rows; the first line is a header); prints each table's rows and hash. The
// file is readable by its owner only (mode 0600). Webhooks' signing secrets
// only with `include_secrets`; without, the webhooks are written disabled
// (dump::WebhookRowWithoutSecret).
int RunExport(const std::string& database, const std::string& out_file, bool include_secrets);

// import: the rows of in_file into `database`, which must be empty (a new
// data directory, or a PostgreSQL database without infrashare's tables or
// with no rows); then checks that the database holds exactly the file's rows.
int RunImport(const std::string& in_file, const std::string& database);

// migrate: export + import + check, from one database into another, empty
// one (e.g. a data directory into PostgreSQL). Prints each table's rows and
// hash on both sides; fails (exit 1) if any differs.
int RunMigrate(const std::string& from, const std::string& to);

// Prints `e` on stderr; the exit code for it (2: bad input, 1: otherwise).
int Fail(const Error& e);

// The default location of the shipped data files.
std::string DefaultDataFile(const std::string& relative);

}  // namespace infrashare
