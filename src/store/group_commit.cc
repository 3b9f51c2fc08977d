#include "store/group_commit.h"

namespace infrashare {

GroupCommitQueue::GroupCommitQueue(size_t max_batch, BatchRunner run, std::function<void()> after_commit)
    : max_batch_(max_batch), run_(std::move(run)), after_commit_(std::move(after_commit)) {
  writer_ = std::thread([this] { WriterLoop(); });
  writer_id_ = writer_.get_id();
}

void GroupCommitQueue::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  if (writer_.joinable()) writer_.join();  // the writer drains the queue first
}

Result<void> GroupCommitQueue::Submit(const std::function<Result<void>(WriteTx&)>& fn) {
  if (std::this_thread::get_id() == writer_id_)
    return Internal("store bug: Write called from inside a Write function");
  Job job{.fn = &fn, .result = {}, .exception = nullptr};
  {
    std::unique_lock lock(mutex_);
    if (stopping_) return Unavailable("the store is shutting down");
    queue_.push_back(&job);
    queue_cv_.notify_one();
    done_cv_.wait(lock, [&] { return job.done; });
  }
  if (job.exception) std::rethrow_exception(job.exception);
  return std::move(job.result);
}

void GroupCommitQueue::FailAll(std::span<Job*> jobs, const Error& error) {
  for (Job* job : jobs)
    if (job->result || job->result.error().code == ErrorCode::kUnavailable)
      job->result = std::unexpected(error);
}

void GroupCommitQueue::WriterLoop() {
  std::vector<Job*> batch;
  for (;;) {
    batch.clear();
    {
      std::unique_lock lock(mutex_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is done
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    const bool appended = run_(batch);
    {
      std::lock_guard lock(mutex_);
      for (Job* job : batch) job->done = true;
    }
    done_cv_.notify_all();
    if (appended && after_commit_) after_commit_();
  }
}

}  // namespace infrashare
