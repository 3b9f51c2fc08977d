// The real route table over a temporary SQLite store, dispatched through the
// router without sockets: authentication by the line, 404/405, a few
// handlers, and the OpenAPI document generated from the same lines.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "api/openapi.h"
#include "api/route_table.h"
#include "domain/registry/registry_file.h"
#include "store/open_store.h"

namespace infrashare {
namespace {

class ScratchDir {
 public:
  ScratchDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("infrashare-api-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

class RoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(dir_.path(), {.create = true, .pool_size = 2});
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    services_ = std::make_unique<Services>(*store_, clock_);
    ASSERT_TRUE(services_->registry.Load());
    std::ifstream file("data/registry/registry.toml");  // tests run in the source directory
    std::stringstream text;
    text << file.rdbuf();
    auto data = ParseRegistryToml(text.str(), "data/registry/registry.toml");
    ASSERT_TRUE(data) << data.error().message;
    ASSERT_TRUE(services_->registry.Import(*data));
    const Caller system = SystemCaller(services_->registry.Snapshot());
    ASSERT_TRUE(services_->registry.AddOrganization(system, Json{{"id", "rt_power"},
                                                                 {"kind", "operator"},
                                                                 {"name_ja", "経路電力"},
                                                                 {"name_en", "Route Power"},
                                                                 {"sectors", {"electric_power"}},
                                                                 {"ceptoars", {"electricity_ceptoar"}}}));
    admin_ = AddPrincipal("rt_admin", system.organization->id, {"admin", "analyst", "duty_officer"});
    reporter_ = AddPrincipal("rt_reporter", "rt_power", {"reporter"});
    AddRoutes(router_, *services_);
  }

  // A principal with `roles`, and a token for it.
  std::string AddPrincipal(const std::string& id, const std::string& org, std::vector<std::string> roles) {
    const Caller system = SystemCaller(services_->registry.Snapshot());
    auto p = services_->registry.AddPrincipal(
        system, Json{{"id", id}, {"organization", org}, {"name", id}, {"roles", std::move(roles)}});
    EXPECT_TRUE(p) << p.error().message;
    auto t = services_->registry.IssueToken(system, id, Json::object());
    EXPECT_TRUE(t) << t.error().message;
    return t ? t->secret_token : "";
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& token = "",
                    const std::string& body = "") {
    HttpRequest request{.method = method, .target = target, .body = body};
    auto parsed = ParseTarget(target);
    EXPECT_TRUE(parsed);
    request.path = parsed->path;
    request.query = parsed->query;
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    if (!body.empty()) request.headers["content-type"] = "application/json";
    return router_.Dispatch(std::move(request));
  }

  static Json Body(const HttpResponse& r) { return Json::parse(r.body); }

  // A concrete path for a pattern: every {param} becomes "x".
  static std::string Concrete(std::string_view pattern) {
    std::string out;
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] == '{') {
        i = pattern.find('}', i);
        out += "x";
      } else {
        out += pattern[i];
      }
    }
    return out;
  }

  ScratchDir dir_;
  SystemClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Services> services_;
  Router router_;
  std::string admin_, reporter_;
};

TEST_F(RoutesTest, EveryLineOfTheTableIsRouted) {
  ASSERT_EQ(router_.routes().size(), ApiRoutes().size());
  for (size_t i = 0; i < ApiRoutes().size(); ++i) {
    EXPECT_EQ(router_.routes()[i].method, ApiRoutes()[i].method);
    EXPECT_EQ(router_.routes()[i].pattern, ApiRoutes()[i].pattern);
    EXPECT_EQ(router_.routes()[i].non_blocking, ApiRoutes()[i].non_blocking);
  }
}

TEST_F(RoutesTest, EveryLineThatNeedsATokenRefusesACallerWithoutOneBeforeItsHandler) {
  for (const ApiRoute& route : ApiRoutes()) {
    // A body the handler would refuse with 400: only the gate can answer 401.
    auto r = Call(std::string(route.method), Concrete(route.pattern), "", "not json");
    if (route.access.level == Access::Level::kPublic) {
      EXPECT_NE(r.status, 401) << route.method << " " << route.pattern;
      continue;
    }
    EXPECT_EQ(r.status, 401) << route.method << " " << route.pattern << ": " << r.body;
    EXPECT_EQ(Body(r)["detail"], "a bearer token is required") << route.pattern;
    EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer");
  }
}

TEST_F(RoutesTest, EveryRoleLineRefusesAPrincipalWithoutTheRoleBeforeItsHandler) {
  const std::string nobody = AddPrincipal("rt_nobody", "rt_power", {"relay"});
  int role_lines = 0;
  for (const ApiRoute& route : ApiRoutes()) {
    if (route.access.level != Access::Level::kRole) continue;
    ++role_lines;
    const bool relay = std::ranges::find(route.access.roles(), Role::kRelay) != route.access.roles().end();
    const std::string token = relay ? reporter_ : nobody;
    auto r = Call(std::string(route.method), Concrete(route.pattern), token, "not json");
    EXPECT_EQ(r.status, 403) << route.method << " " << route.pattern << ": " << r.body;
    std::string needed;
    for (Role role : route.access.roles())
      needed += (needed.empty() ? "'" : " or '") + std::string(NameOf(kRoleNames, role)) + "'";
    EXPECT_EQ(Body(r)["detail"], "this action needs the " + needed + " role") << route.pattern;
    EXPECT_EQ(r.content_type, "application/problem+json");
  }
  EXPECT_GE(role_lines, 10);
}

TEST_F(RoutesTest, APublicLineIgnoresABadToken) {
  auto r = Call("GET", "/api/v1/registry/sectors", "tok_bad.secret");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["items"].size(), 14u);
}

TEST_F(RoutesTest, ATokenLineRefusesABadToken) {
  auto r = Call("GET", "/api/v1/reports", "tok_bad.secret");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r)["code"], "unauthenticated");
}

TEST_F(RoutesTest, UnknownPathsAnswer404AndOtherMethods405WithAllow) {
  auto missing = Call("GET", "/api/v1/nothing-here", admin_);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Body(missing)["detail"], "there is no endpoint at this path");
  auto wrong = Call("PUT", "/api/v1/reports", admin_);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("Allow"), "POST, GET");
}

TEST_F(RoutesTest, HealthzAsksTheHealthService) {
  auto r = Call("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), (Json{{"status", "ok"}}));
  // The database stops answering the health read: another connection takes
  // away the table it reads.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((std::filesystem::path(dir_.path()) / "infrashare.db").c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int dropped = sqlite3_exec(db, "DROP TABLE meta", nullptr, nullptr, &message);
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(dropped, SQLITE_OK);
  auto down = Call("GET", "/healthz");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.content_type, "application/problem+json");
  EXPECT_EQ(down.Header("Retry-After"), "1");
  EXPECT_EQ(Body(down)["code"], "unavailable");
  EXPECT_EQ(Body(down)["detail"], "the database does not answer");
}

TEST_F(RoutesTest, MinistriesComeWithTheirSectorsFromTheRegistryService) {
  auto r = Call("GET", "/api/v1/registry/ministries");
  ASSERT_EQ(r.status, 200);
  const Json items = Body(r)["items"];
  ASSERT_EQ(items.size(), 5u);
  size_t sectors = 0;
  for (const auto& m : items) {
    sectors += m["sectors"].size();
    if (m["id"] == "meti") {
      EXPECT_NE(std::ranges::find(m["sectors"], "electric_power"), m["sectors"].end());
    }
  }
  EXPECT_EQ(sectors, 14u);  // every sector has exactly one ministry
  ASSERT_EQ(services_->registry.Ministries().size(), 5u);
}

TEST_F(RoutesTest, AReporterSubmitsAndReadsAReport) {
  const Json report{{"kind", "precursor"},
                    {"title", "Scan of the SCADA gateway"},
                    {"sectors", {"electric_power"}},
                    {"tlp", "green"},
                    {"route", "direct"}};
  auto created = Call("POST", "/api/v1/reports", reporter_, report.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = Body(created)["id"];
  EXPECT_EQ(created.Header("Location"), "/api/v1/reports/" + id);
  auto got = Call("GET", "/api/v1/reports/" + id, reporter_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Body(got)["title"], "Scan of the SCADA gateway");
  auto bad = Call("POST", "/api/v1/reports", reporter_, R"({"kind":"precursor"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["field"], "title");
}

TEST_F(RoutesTest, TheAdminRoutesWorkForAnAdministrator) {
  auto list = Call("GET", "/api/v1/admin/principals?organization=rt_power", admin_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Body(list)["items"].size(), 1u);
  auto audit = Call("GET", "/api/v1/admin/audit?limit=2", admin_);
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(Body(audit)["items"].size(), 2u);
}

// Every $ref in `j`, as the name after #/components/schemas/.
void CollectRefs(const Json& j, std::set<std::string>& out) {
  if (j.is_object()) {
    if (auto it = j.find("$ref"); it != j.end()) out.insert(it->get<std::string>().substr(21));
    for (const auto& [key, value] : j.items()) CollectRefs(value, out);
  } else if (j.is_array()) {
    for (const auto& value : j) CollectRefs(value, out);
  }
}

TEST(OpenApiTest, TheDocumentDescribesEveryLineWithItsSecurityAndSchemas) {
  const Json doc = OpenApiDocument(ApiRoutes());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  for (const ApiRoute& route : ApiRoutes()) {
    std::string method(route.method);
    for (char& c : method) c = char(std::tolower(static_cast<unsigned char>(c)));
    const Json& op = doc["paths"][std::string(route.pattern)][method];
    ASSERT_TRUE(op.is_object()) << route.pattern;
    EXPECT_EQ(op["summary"], route.summary);
    EXPECT_EQ(op["security"].empty(), route.access.level == Access::Level::kPublic) << route.pattern;
    EXPECT_EQ(op.contains("x-required-role"), route.access.level == Access::Level::kRole) << route.pattern;
    EXPECT_EQ(op.contains("requestBody"), !route.request_schema.empty()) << route.pattern;
    EXPECT_EQ(op["operationId"], route.handler.name);
    for (const char* errors : {"4XX", "5XX"})
      EXPECT_EQ(op["responses"][errors]["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem")
          << route.pattern;
    EXPECT_EQ(op["responses"].contains("401"), route.access.level != Access::Level::kPublic) << route.pattern;
    EXPECT_EQ(op["responses"].contains("404"), route.pattern.find('{') != std::string_view::npos)
        << route.pattern;
    EXPECT_EQ(op["responses"].contains("413"), !route.request_schema.empty()) << route.pattern;
    for (const ResponseSpec& r : route.responses)
      EXPECT_TRUE(op["responses"].contains(std::to_string(r.status)));
  }
  EXPECT_EQ(doc["paths"]["/api/v1/reports/{id}"]["get"]["parameters"][0]["name"], "id");
  // Client generators name methods after operationId: one a handler.
  std::set<std::string> operation_ids;
  for (const ApiRoute& route : ApiRoutes())
    EXPECT_TRUE(operation_ids.insert(std::string(route.handler.name)).second) << route.handler.name;
  EXPECT_EQ(doc["paths"]["/api/v1/reports"]["get"]["parameters"].size(), 10u);
  EXPECT_EQ(doc["paths"]["/api/v1/reports"]["post"]["x-required-role"], Json::array({"reporter"}));
  EXPECT_EQ(doc["paths"]["/api/v1/alerts"]["post"]["x-required-role"],
            Json::array({"duty_officer", "analyst"}));
  // Every schema named anywhere is defined.
  std::set<std::string> refs;
  CollectRefs(doc, refs);
  EXPECT_GT(refs.size(), 30u);
  for (const auto& name : refs) EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name;
}

TEST(OpenApiTest, ReportSchemasFollowTheEnumTablesAndLimits) {
  const Json schemas = OpenApiDocument(ApiRoutes())["components"]["schemas"];
  const Json& submission = schemas["ReportSubmission"];
  EXPECT_EQ(submission["additionalProperties"], false);
  for (const char* required : {"kind", "title", "tlp", "route"})
    EXPECT_NE(std::ranges::find(submission["required"], required), submission["required"].end()) << required;
  EXPECT_EQ(submission["properties"]["title"]["maxLength"], 300);
  EXPECT_EQ(schemas["Report"]["properties"]["tlp"]["enum"].size(), 5u);
  EXPECT_NE(std::ranges::find(schemas["Report"]["required"], "deliveries"),
            schemas["Report"]["required"].end());
}

}  // namespace
}  // namespace infrashare
