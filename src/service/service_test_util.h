// The service tests' world: every service of one running system over a
// temporary SQLite database, with the sharing tests' registry and the
// shipped plan4-draft severity policy, and callers built directly (no
// tokens) for any organization, roles and space.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "domain/severity/severity_testing.h"
#include "domain/sharing/sharing_test_registry.h"
#include "service/services.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_test_util.h"

namespace infrashare::service_test {

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() : clock_(store_test::At(0)) {
    auto store = OpenSqliteStore({.path = (dir_.path() / "infrashare.db").string(), .read_connections = 2});
    if (!store) {
      ADD_FAILURE() << store.error().message;
      return;
    }
    store_ = std::move(*store);
    // Webhooks may lead to loopback: the tests' endpoints are there.
    const std::vector<std::string> loopback{"127.0.0.0/8"};
    services_ = std::make_unique<Services>(*store_, clock_, std::vector<Policy>{testing::Plan4()},
                                           std::string(testing::Plan4().id),
                                           WebhookAddressPolicy::Make(loopback).value());
    if (auto i = services_->registry.Import(Data()); !i)
      ADD_FAILURE() << i.error().message;
    if (auto l = services_->registry.Load(); !l) ADD_FAILURE() << l.error().message;
  }

  // The sharing tests' registry with what the registry's rules ask for
  // filled in.
  static RegistryData Data() {
    RegistryData d = testing::SharingTestRegistryData();
    for (auto& c : d.ceptoars) {
      c.scope_ja = "電力";
      c.scope_en = "Electric power";
      c.members = {.ja = "1社", .en = "1 company", .count = 1};
    }
    return d;
  }

  Services& services() { return *services_; }
  Store& store() { return *store_; }
  ManualClock& clock() { return clock_; }

  // A principal "<org>_user" of `org` with `roles`, acting in `space`.
  Caller As(const std::string& org, std::vector<Role> roles, Space space = Space()) {
    Caller c;
    c.registry = services_->registry.Snapshot();
    c.organization = c.registry->FindOrganization(org);
    EXPECT_NE(c.organization, nullptr) << org;
    Principal p;
    p.id = org + "_user";
    p.organization = org;
    p.name = org + " user";
    p.roles = std::move(roles);
    c.principal = std::move(p);
    c.space = std::move(space);
    return c;
  }

  static Space Exercise() {
    auto s = Space::Exercise("exr_test_drill");
    EXPECT_TRUE(s);
    return *s;
  }

  // A direct report of power_a with impact facts that assess to level 4
  // (one death), whose response plan calls NISC, METI and the CEPTOAR's
  // secretariat by hotline. `word` appears in its text.
  static Json OutageBody(const std::string& word = "substation") {
    return Json{{"kind", "service_outage"},
                {"title", "Grid outage"},
                {"text", "Fault at the " + word},
                {"sectors", {"electric_power"}},
                {"tlp", "amber"},
                {"route", "direct"},
                {"facts", {{"safety", {{"deaths", 1}}}}}};
  }

 private:
  store_test::TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Services> services_;
};

}  // namespace infrashare::service_test
