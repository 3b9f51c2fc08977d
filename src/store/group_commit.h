// The group-commit queue both backends share: Write callers queue their fn
// and wait; one writer thread takes every queued fn (at most max_batch) and
// hands them to the backend's batch runner, which runs them in as few
// transactions as it can and sets each job's result; then the callers wake.
// An exception thrown by a fn is rethrown on its caller's thread. Stop (and
// the destructor) finish every queued job before they return.
//
// Thread behaviour: Submit is safe from many threads, and answers kInternal
// from the writer thread itself (it would wait for itself). The runner and
// `after_commit` run on the writer thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "common/error.h"
#include "store/store.h"

namespace infrashare {

class GroupCommitQueue {
 public:
  // One queued Write. Lives on the caller's stack until it is done.
  struct Job {
    const std::function<Result<void>(WriteTx&)>* fn;
    Result<void> result;
    std::exception_ptr exception;
    bool done = false;  // protected by the queue's mutex
  };
  // Runs a batch and sets each job's result (or exception); answers whether
  // a transaction that appended outbox events committed.
  using BatchRunner = std::function<bool(std::span<Job*> jobs)>;

  // Starts the writer thread. `after_commit` is called after a batch that
  // appended outbox events, once its callers are woken.
  GroupCommitQueue(size_t max_batch, BatchRunner run, std::function<void()> after_commit);
  ~GroupCommitQueue() { Stop(); }
  GroupCommitQueue(const GroupCommitQueue&) = delete;
  GroupCommitQueue& operator=(const GroupCommitQueue&) = delete;

  // Queues fn and waits until its batch ran. kUnavailable once stopping.
  Result<void> Submit(const std::function<Result<void>(WriteTx&)>& fn);
  // Finishes the queued jobs and ends the writer thread.
  void Stop();

  // A job that failed on its own keeps its error;
  // the others get `error` (their batch did not commit).
  static void FailAll(std::span<Job*> jobs, const Error& error);

 private:
  void WriterLoop();

  const size_t max_batch_;
  const BatchRunner run_;
  const std::function<void()> after_commit_;

  // State below is protected by mutex_.
  std::mutex mutex_;
  std::condition_variable queue_cv_;  // the writer waits for work
  std::condition_variable done_cv_;   // callers wait for their job
  std::deque<Job*> queue_;
  bool stopping_ = false;

  std::thread writer_;
  std::thread::id writer_id_;
};

}  // namespace infrashare
