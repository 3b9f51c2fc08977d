// The source tree a test program was built from (the repository root), so
// tests find the shipped data files from any working directory. Defined
// only in test programs, each in one file the build generates
// (cmake/infrashare.cmake: infrashare_test_source_dir), so that no other
// translation unit names the checkout and a compiler cache serves a clone in
// another folder too.
#pragma once

#include <string>

namespace infrashare::testing {

std::string RepoRoot();

}  // namespace infrashare::testing
