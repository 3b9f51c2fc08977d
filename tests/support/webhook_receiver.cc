#include "support/webhook_receiver.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <array>
#include <thread>

namespace infrashare {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct WebhookReceiver::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<Request> requests;
  std::map<std::string, Behaviour> behaviours;
  std::vector<std::weak_ptr<tcp::socket>> hanging;

  Behaviour BehaviourOf(const std::string& path) {
    std::lock_guard lock(mutex);
    auto it = behaviours.find(path);
    return it == behaviours.end() ? Behaviour{} : it->second;
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      Serve(std::make_shared<tcp::socket>(std::move(socket)));
      Accept();
    });
  }

  void Serve(std::shared_ptr<tcp::socket> socket) {
    auto buffer = std::make_shared<beast::flat_buffer>();
    auto req = std::make_shared<http::request<http::string_body>>();
    http::async_read(*socket, *buffer, *req, [this, socket, buffer, req](beast::error_code ec, size_t) {
      if (ec) return;
      Request r{.path = std::string(req->target()), .body = req->body(), .at = std::chrono::steady_clock::now()};
      for (const auto& f : *req) {
        std::string name(f.name_string());
        for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(f.value());
      }
      const Behaviour b = BehaviourOf(r.path);
      {
        std::lock_guard lock(mutex);
        requests.push_back(std::move(r));
        if (b.mode == Mode::kHang) hanging.push_back(socket);
      }
      changed.notify_all();
      if (b.mode == Mode::kHang) {
        // Keep reading so that the socket lives until the client gives up.
        auto sink = std::make_shared<std::array<char, 256>>();
        socket->async_read_some(asio::buffer(*sink), [socket, sink](beast::error_code, size_t) {});
        return;
      }
      auto answer = [this, socket, b, keep = req->keep_alive()] {
        auto res = std::make_shared<http::response<http::string_body>>(
            b.mode == Mode::kFail ? http::status(b.status) : http::status::ok, 11);
        res->set(http::field::content_type, "text/plain");
        res->body() = b.mode == Mode::kFail ? "failing on purpose" : "ok";
        res->keep_alive(keep);
        res->prepare_payload();
        http::async_write(*socket, *res, [this, socket, res, keep](beast::error_code ec, size_t) {
          if (ec || !keep) {
            beast::error_code ignored;
            socket->shutdown(tcp::socket::shutdown_both, ignored);
            return;
          }
          Serve(socket);
        });
      };
      if (b.mode == Mode::kSlow) {
        auto timer = std::make_shared<asio::steady_timer>(socket->get_executor(), b.delay);
        timer->async_wait([timer, answer](beast::error_code) { answer(); });
        return;
      }
      answer();
    });
  }
};

WebhookReceiver::WebhookReceiver(int threads) : impl_(std::make_unique<Impl>()) {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->Accept();
  for (int i = 0; i < threads; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

WebhookReceiver::~WebhookReceiver() {
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
}

uint16_t WebhookReceiver::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string WebhookReceiver::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

void WebhookReceiver::SetBehaviour(const std::string& path, Behaviour behaviour) {
  std::lock_guard lock(impl_->mutex);
  impl_->behaviours[path] = behaviour;
}

std::vector<WebhookReceiver::Request> WebhookReceiver::Requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

size_t WebhookReceiver::Count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests.size();
}

bool WebhookReceiver::WaitFor(const std::function<bool(const std::vector<Request>&)>& done,
                              std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return done(impl_->requests); });
}

}  // namespace infrashare
