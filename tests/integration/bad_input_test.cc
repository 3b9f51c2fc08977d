// Bad input gets a clear problem+json 4xx naming the field and the reason,
// and changes nothing.
#include <gtest/gtest.h>

#include "integration/test_server.h"

namespace infrashare::testing {
namespace {

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    server_->AddOrganization({{"id", "op1"}, {"kind", "operator"}, {"name_ja", "一"}, {"name_en", "One"},
                              {"sectors", {"electric_power"}}, {"ceptoars", {"electricity_ceptoar"}}});
    reporter_ = new std::string(server_->AddPrincipal("op1_rep", "op1", {"reporter"}));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete reporter_;
  }
  static Json Good() {
    return Json{{"kind", "attack_info"}, {"title", "t"}, {"tlp", "green"}, {"route", "direct"},
                {"audience", {{"everyone", true}}}};
  }
  static size_t Count() {
    return server_->Call("GET", "/api/v1/reports?limit=200", *reporter_).json()["items"].size();
  }
  static constexpr int kMaxDepth = 64;  // common/json.h kMaxJsonDepth, as documented in the README
  static TestServer* server_;
  static std::string* reporter_;
};
TestServer* BadInputTest::server_ = nullptr;
std::string* BadInputTest::reporter_ = nullptr;

struct BadCase {
  const char* name;
  Json patch;  // merged into Good(); null values remove the key
  const char* field;
  const char* detail;
};

TEST_F(BadInputTest, EachBadSubmissionNamesTheFieldAndStoresNothing) {
  const std::vector<BadCase> cases = {
      {"missing kind", {{"kind", nullptr}}, "kind", "is required"},
      {"unknown kind", {{"kind", "rumour"}}, "kind",
       "must be one of: service_outage, precursor, near_miss, attack_info, early_warning, recovery_method, "
       "attack_method, crime_report, coordination_request"},
      {"title wrong type", {{"title", 5}}, "title", "must be a string"},
      {"empty title", {{"title", ""}}, "title", "must not be empty"},
      {"long title", {{"title", std::string(301, 'x')}}, "title", "must be at most 300 bytes long"},
      {"unknown field", {{"colour", "red"}}, "colour", "is not a known field"},
      {"unknown tlp", {{"tlp", "purple"}}, "tlp", "must be one of: clear, green, amber, amber+strict, red"},
      {"unknown route", {{"route", "carrier_pigeon"}}, "route", "must be one of: direct, via_ceptoar, via_agency"},
      {"anonymized direct", {{"anonymized", true}}, "anonymized",
       "anonymity needs a relayed route (via_ceptoar or via_agency)"},
      {"anonymized not bool", {{"anonymized", "yes"}}, "anonymized", "must be true or false"},
      {"unknown sector", {{"sectors", {"space"}}}, "sectors[0]", "unknown sector 'space'"},
      {"sectors not array", {{"sectors", "electric_power"}}, "sectors", "must be an array of strings"},
      {"bad system", {{"systems", {"scada"}}}, "systems[0]", "must be one of: it, ot, iot"},
      {"bad ipv4", {{"indicators", {{{"type", "ipv4-addr"}, {"value", "999.1.1.1"}}}}}, "indicators[0].value",
       "must be an IPv4 address for type ipv4-addr"},
      {"bad indicator field", {{"indicators", {{{"type", "url"}, {"value", "http://x"}, {"x", 1}}}}},
       "indicators[0].x", "is not a known field"},
      {"facts not object", {{"facts", {1, 2}}}, "facts", "must be an object"},
      {"amber everyone", {{"tlp", "amber"}}, "audience.everyone",
       "TLP:amber cannot be shared with everyone; use clear or green, or name sectors, CEPTOARs, groups or "
       "organizations"},
      {"red sector", {{"tlp", "red"}, {"audience", {{"sectors", {"gas"}}}}}, "audience",
       "TLP:red may be shared with named organizations only"},
      {"unknown audience org", {{"audience", {{"organizations", {"ghost"}}}}}, "audience.organizations[0]",
       "unknown id 'ghost'"},
      {"audience wrong type", {{"audience", "everyone"}}, "audience", "must be an object"},
  };
  const size_t before = Count();
  for (const auto& c : cases) {
    Json body = Good();
    for (auto& [k, v] : c.patch.items()) {
      if (v.is_null())
        body.erase(k);
      else
        body[k] = v;
    }
    auto r = server_->Call("POST", "/api/v1/reports", *reporter_, body);
    EXPECT_EQ(r.status, 400) << c.name;
    EXPECT_EQ(r.content_type, "application/problem+json") << c.name;
    EXPECT_EQ(r.json()["field"], c.field) << c.name << ": " << r.body;
    EXPECT_EQ(r.json()["detail"], c.detail) << c.name << ": " << r.body;
  }
  EXPECT_EQ(Count(), before);
}

TEST_F(BadInputTest, MalformedJsonAndWrongShapes) {
  auto r = server_->Call("POST", "/api/v1/reports", *reporter_, std::string("{\"kind\": "));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["detail"], "body is not valid JSON (syntax error at byte 10)");
  auto arr = server_->Call("POST", "/api/v1/reports", *reporter_, std::string("[1,2]"));
  EXPECT_EQ(arr.status, 400);
  EXPECT_EQ(arr.json()["detail"], "must be an object");
  auto xml = server_->Call("POST", "/api/v1/reports", *reporter_, std::string("<report/>"), "application/xml");
  EXPECT_EQ(xml.status, 400);
  EXPECT_EQ(xml.json()["detail"], "the body must be application/json");
}

// Every route that takes a JSON body (listed from the OpenAPI document, so a
// new endpoint is covered without editing this test), with a caller of NISC
// holding every role so that no role check answers first: nesting at the
// limit passes the parser, one level deeper and an overflowing number are a
// 400 naming the field, and nothing is stored.
TEST_F(BadInputTest, EveryJsonEndpointRefusesDeepNestingAndOverflowingNumbers) {
  const std::string all = server_->AddPrincipal("nisc_all", "nisc",
                                                {"reporter", "analyst", "relay", "duty_officer", "admin"});
  const std::string depth_detail = "nests objects and arrays deeper than 64 levels";
  auto nested = [](int levels) { return std::string(levels, '[') + "1" + std::string(levels, ']'); };
  const Json doc = server_->Call("GET", "/api/v1/openapi.json").json();
  const size_t before = Count();
  int endpoints = 0;
  for (const auto& [pattern, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      if (method != "post" && method != "patch" && method != "put") continue;
      std::string path = pattern;
      for (size_t open; (open = path.find('{')) != std::string::npos;)
        path.replace(open, path.find('}', open) - open + 1, "zz_nothing");
      std::string verb = method;
      for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ++endpoints;
      const std::string where = verb + " " + pattern;
      // The body object is level 1, so "x" holds 63 more at the limit.
      auto at_limit = server_->Call(verb, path, all, "{\"x\":" + nested(kMaxDepth - 1) + "}");
      EXPECT_LT(at_limit.status, 500) << where;
      EXPECT_NE(at_limit.json().value("detail", ""), depth_detail) << where;
      auto past = server_->Call(verb, path, all, "{\"x\":" + nested(kMaxDepth) + "}");
      EXPECT_EQ(past.status, 400) << where << ": " << past.body;
      EXPECT_EQ(past.content_type, "application/problem+json") << where;
      EXPECT_EQ(past.json().value("detail", ""), depth_detail) << where;
      EXPECT_EQ(past.json().value("field", "").substr(0, 4), "x[0]") << where;
      auto huge = server_->Call(verb, path, all, std::string(R"({"x":1e999999})"));
      EXPECT_EQ(huge.status, 400) << where << ": " << huge.body;
      EXPECT_EQ(huge.json().value("field", ""), "x") << where;
      EXPECT_EQ(huge.json().value("detail", ""), "is a number too large to represent (beyond ±1.8e308)") << where;
    }
  }
  EXPECT_GE(endpoints, 10);
  EXPECT_EQ(Count(), before);
}

// 100,000 nested arrays in a report's facts (200 KB) once took the server down
// with a stack overflow while the body was rendered.
TEST_F(BadInputTest, HundredThousandNestedArraysAreARefusalNotACrash) {
  std::string facts = std::string(100000, '[') + std::string(100000, ']');
  Json good = Good();
  std::string body = good.dump();
  body.insert(body.size() - 1, ",\"facts\":" + facts);
  auto r = server_->Call("POST", "/api/v1/reports", *reporter_, body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().value("detail", ""), "nests objects and arrays deeper than 64 levels");
  EXPECT_EQ(server_->Call("GET", "/healthz").status, 200);
}

TEST_F(BadInputTest, OversizedBodyIsRefusedWithTheLimit) {
  Json body = Good();
  body["text"] = std::string(2 << 20, 'a');
  auto r = server_->Call("POST", "/api/v1/reports", *reporter_, body);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/problem+json");
  // The server goes on serving.
  EXPECT_EQ(server_->Call("GET", "/healthz").status, 200);
}

TEST_F(BadInputTest, TokensAndRoles) {
  EXPECT_EQ(server_->Call("POST", "/api/v1/reports", "", Good()).status, 401);
  auto bad = server_->Call("POST", "/api/v1/reports", "tok_nope.secret", Good());
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.json()["detail"], "the bearer token is not valid (malformed, unknown or revoked)");
  EXPECT_EQ(server_->Call("POST", "/api/v1/reports", "garbage", Good()).status, 401);
  const std::string analyst = server_->AddPrincipal("op1_analyst", "op1", {"analyst"});
  auto forbidden = server_->Call("POST", "/api/v1/reports", analyst, Good());
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.json()["detail"], "this action needs the 'reporter' role");
}

TEST_F(BadInputTest, UnknownIdsAndQueryParameters) {
  auto r = server_->Call("GET", "/api/v1/reports/rpt_nothing", *reporter_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["detail"], "report not found");
  EXPECT_EQ(server_->Call("PATCH", "/api/v1/reports/rpt_nothing", *reporter_, Json{{"title", "x"}}).status, 404);
  auto q = server_->Call("GET", "/api/v1/reports?limit=0", *reporter_);
  EXPECT_EQ(q.status, 400);
  EXPECT_EQ(q.json()["field"], "limit");
  auto unknown = server_->Call("GET", "/api/v1/reports?colour=red", *reporter_);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["field"], "colour");
  auto time = server_->Call("GET", "/api/v1/reports?updated_since=yesterday", *reporter_);
  EXPECT_EQ(time.status, 400);
  EXPECT_EQ(time.json()["field"], "updated_since");
  EXPECT_EQ(server_->Call("GET", "/api/v1/nowhere", *reporter_).status, 404);
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/reports", *reporter_).status, 405);
}

TEST_F(BadInputTest, AdminInputIsCheckedToo) {
  auto dup = server_->Call("POST", "/api/v1/admin/organizations", server_->admin_token(),
                           Json{{"id", "op1"}, {"kind", "operator"}, {"name_ja", "x"}, {"name_en", "x"}});
  EXPECT_EQ(dup.status, 409);
  auto kind = server_->Call("POST", "/api/v1/admin/organizations", server_->admin_token(),
                            Json{{"id", "op9"}, {"kind", "pirate"}, {"name_ja", "x"}, {"name_en", "x"}});
  EXPECT_EQ(kind.status, 400);
  EXPECT_EQ(kind.json()["field"], "kind");
  auto role = server_->Call("POST", "/api/v1/admin/principals", server_->admin_token(),
                            Json{{"id", "p9"}, {"organization", "op1"}, {"name", "x"}, {"roles", {"king"}}});
  EXPECT_EQ(role.status, 400);
  EXPECT_EQ(role.json()["field"], "roles[0]");
  auto token = server_->Call("POST", "/api/v1/admin/principals/nobody/tokens", server_->admin_token(), Json::object());
  EXPECT_EQ(token.status, 404);
}

}  // namespace
}  // namespace infrashare::testing
