#include "app/commands.h"

#include <fmt/format.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/route_table.h"
#include "common/crypto.h"
#include "domain/registry/registry_file.h"
#include "http/server.h"
#include "http/static_site.h"
#include "service/audit.h"
#include "service/background_work.h"
#include "service/services.h"
#include "store/open_store.h"

namespace infrashare {

int Fail(const Error& e) {
  if (e.field.empty())
    fmt::print(stderr, "error: {}\n", e.message);
  else
    fmt::print(stderr, "error: {}: {}\n", e.field, e.message);
  return e.code == ErrorCode::kInvalidArgument ? 2 : 1;
}

namespace {

constexpr char kAdminPrincipal[] = "admin";

// Every stream client holds a connection: serve as many as the system
// allows this process (the soft limit up to the hard one).
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) spdlog::warn("cannot raise the open-file limit");
}

// The access log (a line per request, see http/server.h) goes to stdout like
// every other line, but is not flushed line by line: its lines wait in
// stdout's buffer until it fills, another log line flushes it, or
// kAccessLogFlush passes; a crash loses at most that much of it. Flushing each
// line (a write(2) under the console's lock) cost about 15% of the server's
// CPU under the severity preview's load.
constexpr std::chrono::seconds kAccessLogFlush{1};

void UseBufferedAccessLog() {
  if (spdlog::get("access")) return;
  auto logger = std::make_shared<spdlog::logger>(
      "access", std::make_shared<spdlog::sinks::ostream_sink_mt>(std::cout, /*force_flush=*/false));
  spdlog::initialize_logger(logger);  // the program's pattern and level
  spdlog::flush_every(kAccessLogFlush);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("file", fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every *.toml of `dir`, in name order, as (path, text).
Result<std::vector<std::pair<std::string, std::string>>> ReadPolicyFiles(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".toml") paths.push_back(entry.path().string());
  if (ec) return InvalidArgument("severity", fmt::format("cannot read the severity policies in {}: {}", dir, ec.message()));
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& p : paths) {
    auto text = INFRASHARE_TRY(ReadFile(p));
    files.emplace_back(p, std::move(text));
  }
  return files;
}

// Loads and validates the policies; the server refuses to start on any error.
Result<std::vector<Policy>> LoadPolicies(const std::string& dir, const std::string& active, const Registry& registry) {
  auto files = INFRASHARE_TRY(ReadPolicyFiles(dir));
  auto policies = INFRASHARE_TRY(AssessmentService::LoadPolicies(files, registry));
  for (const auto& p : policies)
    if (p.id == active) return policies;
  return InvalidArgument("severity.policy", fmt::format("no policy '{}' in {}", active, dir));
}

}  // namespace

std::string DefaultDataFile(const std::string& relative) {
  return (std::filesystem::path(INFRASHARE_DATA_DIR) / relative).string();
}

int RunInit(const std::string& database, const std::string& registry_file) {
  auto store = OpenStore(database, {.create = true});
  if (!store) return Fail(store.error());
  SystemClock clock;
  Services services(**store, clock);
  if (auto l = services.registry.Load(); !l) return Fail(l.error());
  if (services.registry.Snapshot()->CoordinationCenter() == nullptr) {
    auto text = ReadFile(registry_file);
    if (!text) return Fail(text.error());
    auto data = ParseRegistryToml(*text, registry_file);
    if (!data) return Fail(data.error());
    if (auto i = services.registry.Import(*data); !i) return Fail(i.error());
    fmt::print("loaded the registry from {}: {} sectors, {} CEPTOARs, {} organizations\n", registry_file,
               data->sectors.size(), data->ceptoars.size(), data->organizations.size());
  } else {
    fmt::print("the registry is already loaded; issuing a new administrator token\n");
  }
  const Caller system = SystemCaller(services.registry.Snapshot());
  bool have_admin = false;
  auto existing = services.registry.ListPrincipals(system, std::nullopt);
  if (!existing) return Fail(existing.error());
  for (const auto& p : *existing) have_admin |= p.id == kAdminPrincipal;
  if (!have_admin) {
    auto p = services.registry.AddPrincipal(
        system, Json{{"id", kAdminPrincipal},
                     {"organization", system.organization->id},
                     {"name", "first administrator"},
                     {"roles", {"admin", "analyst", "duty_officer"}}});
    if (!p) return Fail(p.error());
  }
  auto token = services.registry.IssueToken(system, kAdminPrincipal, Json{{"label", "init"}});
  if (!token) return Fail(token.error());
  fmt::print("database: {}\nadministrator token (shown once; keep it safe):\n{}\n", DescribeDatabase(database),
             token->secret_token);
  return 0;
}

int RunServe(const Config& config) {
  auto listen = ParseListen(config.listen);
  if (!listen) return Fail(listen.error());
  auto store = OpenStore(config.database(), {.create = false, .pool_size = config.database_pool});
  if (!store) return Fail(store.error());
  SystemClock clock;
  std::vector<Policy> policies;
  {
    RegistryService loader(**store, clock);
    if (auto l = loader.Load(); !l) return Fail(l.error());
    const std::string dir = config.severity_dir.empty() ? DefaultDataFile("severity") : config.severity_dir;
    auto loaded = LoadPolicies(dir, config.severity_policy, *loader.Snapshot());
    if (!loaded) return Fail(loaded.error());
    policies = std::move(*loaded);
  }
  auto webhook_addresses = WebhookAddressPolicy::Make(config.webhook_allow);
  if (!webhook_addresses) return Fail(webhook_addresses.error());
  Services services(**store, clock, std::move(policies), config.severity_policy,
                    std::move(*webhook_addresses));
  if (auto l = services.registry.Load(); !l) return Fail(l.error());
  RaiseOpenFileLimit();
  BackgroundWork background(
      services,
      BackgroundWorkOptions{.stream = {.replay_budget_bytes = size_t(config.stream_buffer_bytes) / 4},
                            .webhooks = {.timeout = std::chrono::milliseconds(config.webhook_timeout_ms),
                                         .retry = {.max_attempts = int(config.webhook_max_attempts),
                                                   .base = std::chrono::milliseconds(config.webhook_retry_base_ms),
                                                   .cap = std::chrono::milliseconds(config.webhook_retry_cap_ms)}},
                            .escalation_tick = std::chrono::milliseconds(config.escalation_tick_ms)});
  if (auto h = background.Start(); !h) return Fail(h.error());
  services.stream.Serve(&background.hub());
  Router router;
  AddRoutes(router, services,
            StreamLimits{.max_buffered_bytes = size_t(config.stream_buffer_bytes),
                         .heartbeat = std::chrono::milliseconds(config.stream_heartbeat_ms)});
  std::optional<StaticSite> site;
  {
    auto loaded = StaticSite::Load(config.web_dir.empty() ? INFRASHARE_WEB_DIR : config.web_dir);
    if (loaded) {
      site = std::move(*loaded);
      router.SetFallback("api", "The browser UI", [&site](const HttpRequest& r) { return site->Serve(r); });
      spdlog::info("serving the browser UI: {} files, {} bytes", site->file_count(), site->total_bytes());
    } else if (config.web_dir.empty()) {
      spdlog::warn("no browser UI ({}): serving the API alone; build it with scripts/build.sh",
                   loaded.error().message);
    } else {
      return Fail(loaded.error());
    }
  }
  UseBufferedAccessLog();
  HttpServer server(ServerOptions{.host = listen->first,
                                  .port = listen->second,
                                  .io_threads = config.io_threads,
                                  .worker_threads = config.worker_threads,
                                  .handle_signals = true},
                    router);
  if (auto s = server.Start(); !s) return Fail(s.error());
  fmt::print("infrashare listening on http://{}:{}\n", listen->first, server.port());
  if (site) fmt::print("browser UI: http://{}:{}/\n", listen->first, server.port());
  fmt::print("API: http://{}:{}/api/v1/openapi.json — get an administrator token with "
             "`infrashare init {}` (its last line)\n",
             listen->first, server.port(), DatabaseFlag(config.database()));
  std::fflush(stdout);
  server.Wait();
  background.Stop();
  services.stream.Serve(nullptr);
  spdlog::info("stopped");
  return 0;
}

int RunAdmin(const std::string& database, const std::string& what, const Json& body, const std::string& target) {
  auto store = OpenStore(database, {.create = false, .pool_size = 2});
  if (!store) return Fail(store.error());
  SystemClock clock;
  Services services(**store, clock);
  if (auto l = services.registry.Load(); !l) return Fail(l.error());
  const Caller system = SystemCaller(services.registry.Snapshot());
  if (what == "org-add") {
    auto o = services.registry.AddOrganization(system, body);
    if (!o) return Fail(o.error());
    fmt::print("added organization {}\n", o->id);
  } else if (what == "principal-add") {
    auto p = services.registry.AddPrincipal(system, body);
    if (!p) return Fail(p.error());
    fmt::print("added principal {}\n", p->id);
  } else if (what == "principal-update") {
    auto p = services.registry.UpdatePrincipal(system, target, body);
    if (!p) return Fail(p.error());
    fmt::print("principal {}: {}\n", p->id, p->disabled_at ? "disabled" : "enabled");
  } else if (what == "principal-setup-code") {
    auto code = services.sessions.IssueSetupCode(system, target, body);
    if (!code) return Fail(code.error());
    fmt::print("setup code for {} (shown once; valid {} hours; exchanged at the first sign-in):\n{}\n",
               target, services.sessions.limits().setup_code_lifetime.count(), *code);
  } else if (what == "token-issue") {
    auto t = services.registry.IssueToken(system, target, body);
    if (!t) return Fail(t.error());
    fmt::print("token {} for {} (shown once):\n{}\n", t->token.id, target, t->secret_token);
  } else if (what == "token-revoke") {
    if (auto r = services.registry.RevokeToken(system, target); !r) return Fail(r.error());
    fmt::print("revoked token {}\n", target);
  } else {
    return Fail(Error{ErrorCode::kInvalidArgument, "unknown admin command", ""});
  }
  return 0;
}

int RunAssess(const std::string& facts_file, const std::string& registry_file, const std::string& severity_dir,
              const std::string& policy, const std::string& sector) {
  auto registry_text = ReadFile(registry_file);
  if (!registry_text) return Fail(registry_text.error());
  auto data = ParseRegistryToml(*registry_text, registry_file);
  if (!data) return Fail(data.error());
  auto registry = std::make_shared<const Registry>(std::move(*data));
  auto policies = LoadPolicies(severity_dir.empty() ? DefaultDataFile("severity") : severity_dir, policy, *registry);
  if (!policies) return Fail(policies.error());
  auto text = ReadFile(facts_file);
  if (!text) return Fail(text.error());
  auto doc = ParseJson(*text);
  if (!doc) return Fail(Error{doc.error().code, facts_file + ": " + doc.error().message, doc.error().field});
  // The file holds either the facts themselves or a preview body {"facts", "sector", "policy"}.
  Json body = doc->is_object() && doc->contains("facts") ? *doc : Json{{"facts", *doc}};
  if (!sector.empty()) body["sector"] = sector;
  if (!body.contains("policy")) body["policy"] = policy;
  SystemClock clock;
  AssessmentService service(nullptr, clock, std::move(*policies), policy);
  Caller caller = SystemCaller(registry);
  auto preview = service.Preview(caller, body);
  if (!preview) return Fail(preview.error());
  fmt::print("{}\n", preview->dump(2));
  return 0;
}

int RunAuditVerify(const std::string& database) {
  auto store = OpenStore(database, {.create = false, .pool_size = 2});
  if (!store) return Fail(store.error());
  auto check = VerifyAuditChain(**store);
  if (!check) return Fail(check.error());
  if (check->first_broken) {
    fmt::print("BROKEN at event {}: {} ({} events checked)\n", *check->first_broken, check->reason, check->events);
    return 1;
  }
  fmt::print("ok: {} events, the chain is intact\n", check->events);
  return 0;
}

}  // namespace infrashare
