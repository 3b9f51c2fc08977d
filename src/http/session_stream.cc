// Session's streamed responses (Server-Sent Events): the header, the pending
// read that notices the client leaving, the writes of what StreamQueue holds,
// the heartbeat and the ways a stream ends. How this fits the rest of the
// server is described at the top of server.cc.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "http/server_session.h"

namespace infrashare::server_detail {

// --- Session: streamed responses (Server-Sent Events) ----------------------

void Session::DoWriteStreamHeader(HttpResponse response) {
  state_ = State::kWriting;
  stream_state_ =
      std::make_unique<Stream>(stream_.get_executor(), std::move(response.stream), response.status);
  Stream& st = *stream_state_;
  st.writer =
      std::make_shared<SessionStreamWriter>(weak_from_this(), *st.body, stream_.socket().native_handle());

  st.header = std::make_unique<http::response<http::empty_body>>();
  auto& header = *st.header;
  header.version(version_);
  header.result(static_cast<unsigned>(response.status));
  header.set(http::field::content_type, "text/event-stream");
  header.set("X-Accel-Buffering", "no");  // nginx and friends: pass each chunk on at once
  SetResponseHeaders(header, response.headers);
  header.keep_alive(false);  // the connection ends with the stream
  header.chunked(true);
  st.serializer = std::make_unique<http::response_serializer<http::empty_body>>(header);

  // A stream's backlog waits in its bounded queue, where the limit applies,
  // not in an auto-tuned kernel buffer of several MiB: the slow-consumer cut
  // comes after a bounded amount of data, and 20,000 streams stay cheap.
  beast::error_code ignored;
  stream_.socket().set_option(asio::socket_base::send_buffer_size(kStreamSendBuffer), ignored);

  // The request is done with: a long-lived stream keeps neither its parser
  // nor its read buffer.
  parser_.reset();
  buffer_.clear();
  buffer_.shrink_to_fit();
  response_ = {};

  stream_.expires_after(server_.options().write_timeout);
  http::async_write_header(stream_, *st.serializer,
                           beast::bind_front_handler(&Session::OnStreamHeader, shared_from_this()));
}

void Session::OnStreamHeader(beast::error_code ec, size_t /*bytes*/) {
  Stream& st = *stream_state_;
  st.serializer.reset();
  st.header.reset();
  state_ = State::kStreaming;
  if (ec) {
    st.reported = true;  // never opened: no callbacks
    return EndStreamConnection("write_failed");
  }
  // Events are written at once when the socket's buffer has room
  // (WriteChunkNow); only what does not fit waits for an async write.
  beast::error_code nb;
  stream_.socket().non_blocking(true, nb);
  DoStreamRead();
  if (server_.stopping()) {
    // Stop() began while the header was being written: end at once.
    st.reported = true;
    return StopStream();
  }
  st.opened = true;
  if (st.body->heartbeat.count() > 0) ArmStreamTimer(st.body->heartbeat);
  if (st.body->on_open) {
    try {
      st.body->on_open(st.writer);
    } catch (const std::exception& e) {
      // A bug in the application; end this stream, keep the server.
      spdlog::error("exception in StreamBody::on_open: {}", e.what());
      st.writer->Close({});
    }
  }
  StreamFlush();  // initial_text and whatever on_open sent
}

void Session::DoStreamRead() {
  // Only the write timeout applies to a stream; this resets the read deadline
  // (and the write one only when no write is pending).
  stream_.expires_never();
  stream_.async_read_some(asio::buffer(stream_state_->discard),
                          beast::bind_front_handler(&Session::OnStreamRead, shared_from_this()));
}

void Session::OnStreamRead(beast::error_code ec, size_t /*bytes*/) {
  if (state_ != State::kStreaming) return;
  // Aborted: we closed the socket ourselves (write timeout, end of stream);
  // whoever did that reports the reason.
  if (ec == asio::error::operation_aborted) return;
  if (ec) return EndStreamConnection("client_closed");  // EOF, reset
  DoStreamRead();                                       // the client sent something: discarded
}

void Session::StreamFlush() {
  if (state_ != State::kStreaming) return;
  Stream& st = *stream_state_;
  if (st.in_flight) return;  // OnStreamWrite flushes again
  while (auto batch = st.writer->queue().Take()) {
    if (batch->last) {
      st.last = true;
      st.ending = true;
      // A no-op when the stream already ended for another reason.
      ReportStreamEnd(batch->overflowed ? "slow_consumer" : "closed");
    }
    // The batch in wire form: what SendNow could not write, then what was
    // queued as one chunk, then (at the end) the last chunk.
    std::string wire = std::move(batch->wire_prefix);
    if (!batch->bytes.empty()) {
      wire += ChunkSizeLine(batch->bytes.size());
      wire += batch->bytes;
      wire += kCrlf;
    }
    if (st.last) wire += kLastChunk;
    st.writing = std::move(wire);
    if (!st.last) {
      switch (WriteWireNow(st)) {
        case WriteNow::kAll:
          std::string().swap(st.writing);
          st.writer->queue().Written();
          continue;
        case WriteNow::kFailed:
          std::string().swap(st.writing);
          st.writer->queue().Written();
          return EndStreamConnection("write_failed");
        case WriteNow::kPartial:
          break;
      }
    }
    st.in_flight = true;
    stream_.expires_after(server_.options().write_timeout);
    asio::async_write(stream_, asio::buffer(st.writing),
                      beast::bind_front_handler(&Session::OnStreamWrite, shared_from_this()));
    return;
  }
}

Session::WriteNow Session::WriteWireNow(Stream& st) {
  beast::error_code ec;
  size_t n = stream_.socket().write_some(asio::buffer(st.writing), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec = {};
    n = 0;
  }
  if (ec) return WriteNow::kFailed;
  st.last_write = std::chrono::steady_clock::now();
  if (n == st.writing.size()) return WriteNow::kAll;
  st.writing.erase(0, n);
  return WriteNow::kPartial;
}

void Session::OnStreamWrite(beast::error_code ec, size_t /*bytes*/) {
  if (state_ != State::kStreaming) return;
  Stream& st = *stream_state_;
  st.in_flight = false;
  std::string().swap(st.writing);
  st.writer->queue().Written();
  st.last_write = std::chrono::steady_clock::now();
  if (ec) return EndStreamConnection("write_failed");  // includes the write timeout
  if (st.last) return EndStreamConnection("closed");
  if (!st.ending && st.body->heartbeat.count() > 0) ArmStreamTimer(st.body->heartbeat);
  StreamFlush();
}

void Session::ArmStreamTimer(std::chrono::steady_clock::duration after) {
  Stream& st = *stream_state_;
  st.timer.expires_after(after);
  st.timer.async_wait(beast::bind_front_handler(&Session::OnStreamTimer, shared_from_this()));
}

void Session::OnStreamTimer(beast::error_code ec) {
  if (ec || state_ != State::kStreaming) return;
  Stream& st = *stream_state_;
  if (st.timer.expiry() > std::chrono::steady_clock::now()) return;  // re-armed since it fired
  // The last bytes did not get out in time: the client is not reading.
  if (st.ending) return EndStreamConnection("write_failed");
  if (st.in_flight) return;  // OnStreamWrite re-arms
  // Bytes written at once since the timer was armed (by the strand's
  // WriteWireNow or by the writer's Send on the caller's thread; neither
  // re-arms it): the heartbeat is due a period after them.
  const auto last = std::max(st.last_write, st.writer->last_sent());
  if (const auto due = last + st.body->heartbeat; due > std::chrono::steady_clock::now())
    return ArmStreamTimer(due - std::chrono::steady_clock::now());
  if (st.writer->queue().AppendUncounted(kHeartbeat)) StreamFlush();
  // Written at once (or queued behind a flush that will be): the next one is
  // a period from now. An async write re-arms when it completes.
  if (state_ == State::kStreaming && !st.in_flight && !st.ending && st.body->heartbeat.count() > 0)
    ArmStreamTimer(st.body->heartbeat);
}

void Session::OnStreamOverflow() {
  if (state_ != State::kStreaming) return;
  Stream& st = *stream_state_;
  // StreamFlush may have taken the overflow text already (and reported).
  st.ending = true;
  ReportStreamEnd("slow_consumer");
  ArmStreamTimer(
      std::min<std::chrono::steady_clock::duration>(kStreamEndGrace, server_.options().write_timeout));
  StreamFlush();  // overflow_text and the last chunk, unless a write is still stuck
}

void Session::StopStream() {
  Stream& st = *stream_state_;
  const auto grace =
      std::min<std::chrono::steady_clock::duration>(kStreamEndGrace, server_.options().write_timeout);
  ArmStreamTimer(grace);  // also when already ending: Stop() must not wait for a stuck write
  if (st.ending) return;
  st.ending = true;
  st.writer->queue().Close({});  // before on_close: Send returns false from then on
  ReportStreamEnd("server_stopping");
  StreamFlush();
}

// The one place on_close is called. REQUIRES: the queue has ended (so a Send
// made after on_close returns false).
void Session::ReportStreamEnd(std::string_view reason) {
  Stream& st = *stream_state_;
  if (st.reported || !st.opened) return;
  st.reported = true;
  if (!st.body->on_close) return;
  try {
    st.body->on_close(reason);
  } catch (const std::exception& e) {
    spdlog::error("exception in StreamBody::on_close: {}", e.what());
  }
}

void Session::EndStreamConnection(std::string_view reason) {
  if (state_ == State::kClosed) return;
  Stream& st = *stream_state_;
  st.writer->queue().Abandon();  // before on_close: Send returns false from then on
  ReportStreamEnd(reason);
  std::string().swap(st.writing);
  LogAccess(static_cast<unsigned>(st.status));
  DoClose();
}

}  // namespace infrashare::server_detail
