// The browser UI's files (web/dist, built by esbuild: web/README.md), read
// into memory once at start-up and served from there, so that a request
// never touches the file system (no path is ever joined to a directory, so
// no "..", symlink or encoding trick reaches another file).
//
//   auto site = StaticSite::Load("web/dist");
//   HttpResponse r = site->Serve(request);   // GET /, /assets/app-3F2A.js, /reports/r_1 …
//
// What is served how:
//   - a file under assets/ has a content hash in its name: cached for a
//     year, immutable;
//   - any other file (index.html, favicon) is revalidated at each use
//     (Cache-Control: no-cache, an ETag; If-None-Match answers 304);
//   - a path that names no file and has no extension in its last segment is
//     a page of the one-page application (/reports/r_1): index.html;
//     anything else unknown answers a 404 problem. The api layer sends no
//     /api/ path here (Router::SetFallback).
// Every answer carries the UI's Content-Security-Policy (kUiContentSecurity
// Policy): scripts, styles, images and connections from this origin only,
// no inline script or style, no frames.
//
// Thread behaviour: immutable after Load; Serve may be called from any
// number of threads at once and never blocks.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/http.h"

namespace infrashare {

inline constexpr std::string_view kUiContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// Bounds on what Load reads: the built UI is a few hundred KB.
inline constexpr size_t kStaticSiteMaxFiles = 2000;
inline constexpr size_t kStaticSiteMaxBytes = size_t{64} << 20;

class StaticSite {
 public:
  // Reads every regular file under `dir`. Errors (kInvalidArgument, naming
  // "web_dir"): no such directory, no index.html in it, more than the
  // bounds above, or a file that cannot be read.
  static Result<StaticSite> Load(const std::filesystem::path& dir);

  // The answer to a GET of request.path (still percent-encoded).
  HttpResponse Serve(const HttpRequest& request) const;

  size_t file_count() const { return files_.size(); }
  size_t total_bytes() const { return total_bytes_; }

 private:
  struct File {
    std::string body;
    std::string content_type;
    std::string cache_control;
    std::string etag;  // quoted
  };

  HttpResponse Answer(const File& file, const HttpRequest& request) const;

  std::map<std::string, File, std::less<>> files_;  // by "/relative/path"
  size_t total_bytes_ = 0;
};

}  // namespace infrashare
