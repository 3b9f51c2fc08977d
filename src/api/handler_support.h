// What every handler does the same way: parse a JSON body, render a result
// or an error, wrap a list. Keeps the handlers a few lines each.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>

#include "common/json.h"
#include "http/http.h"
#include "http/problem.h"

namespace infrashare::api {

// Parses the request body as JSON and runs `fn` with it.
HttpResponse WithJsonBody(const HttpRequest& request, const std::function<HttpResponse(const Json&)>& fn);

// 2xx with `body` serialized, or the error's problem.
HttpResponse Render(int status, const Result<Json>& body);

// {"items": [...]}: every list the API answers.
Json Items(Json items);
// {"items": [...], "next_cursor": "..." | null}: a page of a longer list.
Json Page(Json items, const std::optional<std::string>& next_cursor);
// The same page's text, spliced from its items' JSON texts: what
// Page(...).dump() gives for those items, without building a tree.
std::string PageText(std::span<const std::string> item_texts, const std::optional<std::string>& next_cursor);

}  // namespace infrashare::api
