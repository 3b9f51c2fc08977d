// A space: `live`, or one exercise. Every record carries its space and every
// reader and writer takes one, so exercise data never reaches a live feed,
// view or alert (DESIGN.md). This file is the one definition of the live
// space's name; no other code spells it.
//
// Thread behaviour: a plain value, safe to copy across threads.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "common/error.h"

namespace infrashare {

class Space {
 public:
  // The live space: what a default-constructed Space is.
  Space() : id_(kLiveId) {}
  static Space Live() { return Space(); }

  // An exercise's space from its id ("exr_" followed by 1–60 of [a-z0-9_]).
  // kInvalidArgument naming `field` otherwise.
  static Result<Space> Exercise(std::string_view exercise_id, std::string_view field = "space");
  // A space as stored or sent: "live" or an exercise id. kInvalidArgument
  // naming `field` otherwise.
  static Result<Space> Parse(std::string_view text, std::string_view field = "space");

  const std::string& id() const { return id_; }
  bool is_live() const { return id_ == kLiveId; }

  friend bool operator==(const Space&, const Space&) = default;
  friend auto operator<=>(const Space&, const Space&) = default;

 private:
  static constexpr std::string_view kLiveId = "live";
  explicit Space(std::string id) : id_(std::move(id)) {}

  std::string id_;
};

}  // namespace infrashare
