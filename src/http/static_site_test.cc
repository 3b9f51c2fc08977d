#include "http/static_site.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/crypto.h"
#include "common/json.h"

namespace infrashare {
namespace {

namespace fs = std::filesystem;

class StaticSiteTest : public ::testing::Test {
 protected:
  StaticSiteTest() : dir_(fs::temp_directory_path() / ("static_site_" + RandomHex(6))) {
    Write("index.html", "<!doctype html><title>infrashare</title>");
    Write("assets/app-3F2A.js", "console.log(1)");
    Write("assets/app-3F2A.css", "body{}");
    Write("favicon.svg", "<svg/>");
  }
  ~StaticSiteTest() override { fs::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& text) {
    fs::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative, std::ios::binary) << text;
  }
  static HttpRequest Get(std::string path, std::string if_none_match = "") {
    HttpRequest r{.method = "GET", .target = path, .path = path};
    if (!if_none_match.empty()) r.headers["if-none-match"] = if_none_match;
    return r;
  }

  fs::path dir_;
};

TEST_F(StaticSiteTest, ServesFilesWithTheirTypesAndCaching) {
  auto site = StaticSite::Load(dir_);
  ASSERT_TRUE(site.has_value()) << site.error().message;
  EXPECT_EQ(site->file_count(), 4u);

  HttpResponse js = site->Serve(Get("/assets/app-3F2A.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(site->Serve(Get("/assets/app-3F2A.css")).content_type, "text/css; charset=utf-8");

  HttpResponse index = site->Serve(Get("/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.Header("cache-control"), "no-cache");
  EXPECT_EQ(index.Header("content-security-policy"), kUiContentSecurityPolicy);
  EXPECT_EQ(index.Header("content-security-policy").find("unsafe-"), std::string::npos);
  EXPECT_EQ(site->Serve(Get("/index.html")).body, index.body);
  EXPECT_EQ(site->Serve(Get("/favicon.svg")).content_type, "image/svg+xml");
}

TEST_F(StaticSiteTest, RevalidationAnswers304) {
  auto site = StaticSite::Load(dir_);
  ASSERT_TRUE(site.has_value());
  const std::string etag = site->Serve(Get("/")).Header("etag");
  ASSERT_FALSE(etag.empty());
  HttpResponse again = site->Serve(Get("/", etag));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(site->Serve(Get("/", "\"other\"")).status, 200);
}

TEST_F(StaticSiteTest, PagesOfTheApplicationGetIndexAndMissingFilesA404) {
  auto site = StaticSite::Load(dir_);
  ASSERT_TRUE(site.has_value());
  const std::string index = site->Serve(Get("/")).body;
  for (const char* page : {"/reports/r_1", "/situation", "/hotline/", "/%E5%A0%B1%E5%91%8A"})
    EXPECT_EQ(site->Serve(Get(page)).body, index) << page;
  for (const char* missing : {"/assets/app-0000.js", "/assets/gone", "/robots.txt", "/x/../../etc/passwd.txt",
                              "/%2e%2e/%2e%2e/etc/hosts.conf", "/bad%zz.js"}) {
    HttpResponse r = site->Serve(Get(missing));
    EXPECT_EQ(r.status, 404) << missing;
    EXPECT_EQ(r.content_type, "application/problem+json") << missing;
  }
  // A path with "..", whatever it is, never reaches a file outside: only the
  // files read at Load exist.
  EXPECT_EQ(site->Serve(Get("/assets/../index.html")).status, 404);
}

TEST_F(StaticSiteTest, RefusesAFolderWithoutIndexOrMissing) {
  fs::remove(dir_ / "index.html");
  auto no_index = StaticSite::Load(dir_);
  ASSERT_FALSE(no_index.has_value());
  EXPECT_EQ(no_index.error().field, "web_dir");
  EXPECT_NE(no_index.error().message.find("index.html"), std::string::npos);
  auto missing = StaticSite::Load(dir_ / "nowhere");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("not a directory"), std::string::npos);
}

}  // namespace
}  // namespace infrashare
