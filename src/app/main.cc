// infrashare: the server and its command line in one binary.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/commands.h"
#include "app/config.h"
#include "common/crypto.h"

using namespace infrashare;

int main(int argc, char** argv) {
  InitCrypto();
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);
  CLI::App app{"infrashare — information sharing for critical-infrastructure protection"};
  app.require_subcommand(1);

  std::string data_dir = "./data";
  std::string database_url;  // --database: PostgreSQL instead of the data directory
  auto add_database = [&](CLI::App* cmd) {
    cmd->add_option("--data", data_dir, "Data directory (SQLite)")->capture_default_str();
    cmd->add_option("--database", database_url, "postgresql:// URL (instead of --data)");
  };
  std::string registry_file = DefaultDataFile("registry/registry.toml");
  auto* init = app.add_subcommand("init", "Create the database, load the registry, print an administrator token");
  add_database(init);
  init->add_option("--registry", registry_file, "Registry file (TOML)")->capture_default_str();

  Config config;
  std::string config_file;
  std::string listen_flag, data_flag;
  int workers_flag = 0;
  auto* serve = app.add_subcommand("serve", "Serve the API until SIGINT/SIGTERM");
  serve->add_option("--config", config_file, "Configuration file (TOML)");
  serve->add_option("--data", data_flag, "Data directory (default ./data)");
  std::string database_flag;
  serve->add_option("--database", database_flag, "postgresql:// URL (instead of --data; config [database] url)");
  serve->add_option("--listen", listen_flag, "HOST:PORT (default 127.0.0.1:8080)");
  serve->add_option("--workers", workers_flag, "Handler threads (default 64)");
  std::string severity_flag, policy_flag;
  serve->add_option("--severity-dir", severity_flag, "Severity policies directory (default: the shipped data/severity)");
  serve->add_option("--policy", policy_flag, "The severity policy in force (default plan4-draft)");
  std::string web_flag;
  serve->add_option("--web", web_flag, "The built browser UI (default: the source tree's web/dist)");
  std::vector<std::string> webhook_allow_flag;
  serve->add_option(
      "--webhook-allow", webhook_allow_flag,
      "A network webhooks may reach besides the public internet, e.g. 10.20.0.0/16 (repeatable; "
      "config [hotline] webhook_allow)");

  std::string facts_file, sector;
  std::string assess_policy = "plan4-draft";
  auto* assess = app.add_subcommand("assess", "Assess impact facts from a JSON file; prints assessment and plan");
  assess->add_option("FILE", facts_file, "JSON file with the facts")->required();
  assess->add_option("--policy", assess_policy, "Severity policy")->capture_default_str();
  assess->add_option("--sector", sector, "The sector whose thresholds apply");
  assess->add_option("--registry", registry_file, "Registry file (TOML)")->capture_default_str();
  assess->add_option("--severity-dir", severity_flag, "Severity policies directory");

  auto* admin = app.add_subcommand("admin", "Administer organizations, principals and tokens");
  add_database(admin);
  admin->require_subcommand(1);
  auto* org = admin->add_subcommand("org", "Organizations")->require_subcommand(1);
  auto* org_add = org->add_subcommand("add", "Add an organization");
  std::string id, kind, name_ja, name_en, org_id, name, principal, label, token_id;
  std::vector<std::string> sectors, ceptoars, groups, roles;
  org_add->add_option("--id", id)->required();
  org_add->add_option("--kind", kind)->required();
  org_add->add_option("--name-ja", name_ja)->required();
  org_add->add_option("--name-en", name_en)->required();
  org_add->add_option("--sector", sectors);
  org_add->add_option("--ceptoar", ceptoars);
  org_add->add_option("--group", groups);
  auto* principal_cmd = admin->add_subcommand("principal", "Principals")->require_subcommand(1);
  auto* principal_add = principal_cmd->add_subcommand("add", "Add a principal");
  principal_add->add_option("--id", id)->required();
  principal_add->add_option("--org", org_id)->required();
  principal_add->add_option("--name", name)->required();
  principal_add->add_option("--role", roles)->required();
  auto* principal_setup = principal_cmd->add_subcommand(
      "setup-code",
      "Issue a one-time setup code for the first sign-in, or a reset (printed once, on the last line)");
  principal_setup->add_option("--id", id)->required();
  auto* principal_disable = principal_cmd->add_subcommand(
      "disable", "Disable a principal: its sessions end, its tokens are refused, it cannot sign in");
  principal_disable->add_option("--id", id)->required();
  auto* principal_enable = principal_cmd->add_subcommand("enable", "Enable a disabled principal again");
  principal_enable->add_option("--id", id)->required();
  auto* token = admin->add_subcommand("token", "API tokens")->require_subcommand(1);
  auto* token_issue = token->add_subcommand("issue", "Issue a token (printed once, on the last line)");
  token_issue->add_option("--principal", principal)->required();
  token_issue->add_option("--label", label);
  auto* token_revoke = token->add_subcommand("revoke", "Revoke a token");
  token_revoke->add_option("--id", token_id)->required();

  auto* audit = app.add_subcommand("audit", "The audit trail");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "Check the hash chain; name the first broken link");
  add_database(verify);

  std::string dump_file, from, to;
  auto* export_cmd = app.add_subcommand("export", "Write every table as JSON lines (for import or migrate)");
  add_database(export_cmd);
  export_cmd->add_option("--out", dump_file, "The dump file to write (mode 0600)")->required();
  bool include_secrets = false;
  export_cmd->add_flag("--include-secrets", include_secrets,
                       "Keep webhooks' signing secrets (without: the webhooks are exported disabled)");
  auto* import_cmd = app.add_subcommand("import", "Load a dump file into a new, empty database and check it");
  add_database(import_cmd);
  import_cmd->add_option("--in", dump_file, "The dump file to read")->required();
  auto* migrate = app.add_subcommand(
      "migrate", "Copy a database into a new, empty one (e.g. SQLite to PostgreSQL) and check counts and hashes");
  migrate->add_option("--from", from, "Data directory or postgresql:// URL to copy")->required();
  migrate->add_option("--to", to, "Data directory or postgresql:// URL to fill (must be empty)")->required();

  CLI11_PARSE(app, argc, argv);

  const std::string database = database_url.empty() ? data_dir : database_url;
  if (*init) return RunInit(database, registry_file);
  if (*serve) {
    if (!config_file.empty())
      if (auto r = LoadConfigFile(config_file, config); !r) {
        fmt::print(stderr, "error: {}\n", r.error().message);
        return 2;
      }
    if (!data_flag.empty()) config.data_dir = data_flag;
    if (!database_flag.empty()) config.database_url = database_flag;
    if (!listen_flag.empty()) config.listen = listen_flag;
    if (workers_flag > 0) config.worker_threads = workers_flag;
    if (!severity_flag.empty()) config.severity_dir = severity_flag;
    if (!policy_flag.empty()) config.severity_policy = policy_flag;
    if (!web_flag.empty()) config.web_dir = web_flag;
    config.webhook_allow.insert(config.webhook_allow.end(), webhook_allow_flag.begin(),
                                webhook_allow_flag.end());
    return RunServe(config);
  }
  if (*admin) {
    if (*org_add)
      return RunAdmin(database, "org-add",
                      Json{{"id", id}, {"kind", kind}, {"name_ja", name_ja}, {"name_en", name_en},
                           {"sectors", sectors}, {"ceptoars", ceptoars}, {"groups", groups}},
                      "");
    if (*principal_add)
      return RunAdmin(database, "principal-add",
                      Json{{"id", id}, {"organization", org_id}, {"name", name}, {"roles", roles}}, "");
    if (*principal_setup) return RunAdmin(database, "principal-setup-code", Json::object(), id);
    if (*principal_disable) return RunAdmin(database, "principal-update", Json{{"disabled", true}}, id);
    if (*principal_enable) return RunAdmin(database, "principal-update", Json{{"disabled", false}}, id);
    if (*token_issue)
      return RunAdmin(database, "token-issue", label.empty() ? Json::object() : Json{{"label", label}}, principal);
    if (*token_revoke) return RunAdmin(database, "token-revoke", Json::object(), token_id);
  }
  if (*verify) return RunAuditVerify(database);
  if (*export_cmd) return RunExport(database, dump_file, include_secrets);
  if (*import_cmd) return RunImport(dump_file, database);
  if (*migrate) return RunMigrate(from, to);
  if (*assess) return RunAssess(facts_file, registry_file, severity_flag, assess_policy, sector);
  return 2;
}
