#include "http/static_site.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "http/problem.h"

namespace infrashare {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

std::string_view ContentType(std::string_view extension) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/vnd.microsoft.icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wav", "audio/wav"},
  };
  auto it = kTypes.find(extension);
  return it == kTypes.end() ? std::string_view("application/octet-stream") : std::string_view(it->second);
}

std::unexpected<Error> Refusal(std::string message) { return InvalidArgument("web_dir", std::move(message)); }

}  // namespace

Result<StaticSite> StaticSite::Load(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Refusal(fmt::format("{} is not a directory", dir.string()));
  StaticSite site;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (site.files_.size() == kStaticSiteMaxFiles)
      return Refusal(fmt::format("{} has more than {} files", dir.string(), kStaticSiteMaxFiles));
    const fs::path relative = fs::relative(it->path(), dir, ec);
    if (ec) break;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) return Refusal(fmt::format("cannot read {}", it->path().string()));
    File file{.body = std::move(body).str()};
    site.total_bytes_ += file.body.size();
    if (site.total_bytes_ > kStaticSiteMaxBytes)
      return Refusal(fmt::format("{} holds more than {} bytes", dir.string(), kStaticSiteMaxBytes));
    const std::string key = "/" + relative.generic_string();
    file.content_type = std::string(ContentType(relative.extension().string()));
    file.cache_control = std::string(key.starts_with("/assets/") ? kImmutable : kRevalidate);
    file.etag = fmt::format("\"{}\"", Sha256Hex(file.body).substr(0, 32));
    site.files_.emplace(key, std::move(file));
  }
  if (ec) return Refusal(fmt::format("cannot list {}: {}", dir.string(), ec.message()));
  if (!site.files_.contains("/index.html")) return Refusal(fmt::format("{} has no index.html", dir.string()));
  return site;
}

HttpResponse StaticSite::Serve(const HttpRequest& request) const {
  auto path = PercentDecode(request.path, false);
  if (!path || path->empty() || path->front() != '/')
    return ProblemResponse(Error{ErrorCode::kNotFound, "there is no such file", ""});
  if (*path == "/") return Answer(files_.find("/index.html")->second, request);
  if (auto it = files_.find(*path); it != files_.end()) return Answer(it->second, request);
  // A page of the application (no extension in the last segment), unless it
  // is under the folders of files, where a miss is a stale or wrong name.
  const std::string_view last = std::string_view(*path).substr(path->rfind('/') + 1);
  if (last.find('.') == std::string_view::npos && !path->starts_with("/assets/"))
    return Answer(files_.find("/index.html")->second, request);
  return ProblemResponse(Error{ErrorCode::kNotFound, "there is no such file", ""});
}

HttpResponse StaticSite::Answer(const File& file, const HttpRequest& request) const {
  HttpResponse r;
  r.headers = {{"Cache-Control", file.cache_control},
               {"ETag", file.etag},
               {"Content-Security-Policy", std::string(kUiContentSecurityPolicy)}};
  if (request.Header("if-none-match") == file.etag) {
    r.status = 304;
    r.content_type = "";
    return r;
  }
  r.content_type = file.content_type;
  r.body = file.body;
  return r;
}

}  // namespace infrashare
