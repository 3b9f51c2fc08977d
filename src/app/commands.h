// The command line's subcommands, each a function that returns the process
// exit code. main.cc only declares the options and calls these.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "common/json.h"

namespace infrashare {

// init: creates the database under data_dir, loads the registry (once) and
// prints, as its last line, a new API token of the first administrator.
int RunInit(const std::string& data_dir, const std::string& registry_file);

// serve: serves until SIGINT/SIGTERM, then drains and returns 0.
int RunServe(const Config& config);

// admin: one administrative use case with the platform's own authority
// (whoever can run this can read the database). `what` names it:
// "org-add", "principal-add", "token-issue", "token-revoke".
int RunAdmin(const std::string& data_dir, const std::string& what, const Json& body, const std::string& target);

// assess: the assessment and response plan for the facts in `facts_file`
// (the facts object, or a preview body {"facts", "sector", "policy"}),
// printed as JSON; nothing is stored.
int RunAssess(const std::string& facts_file, const std::string& registry_file, const std::string& severity_dir,
              const std::string& policy, const std::string& sector);

// audit verify: checks the hash chain; prints the first broken link.
int RunAuditVerify(const std::string& data_dir);

// The default location of the shipped data files.
std::string DefaultDataFile(const std::string& relative);

}  // namespace infrashare
