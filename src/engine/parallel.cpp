#include "engine/parallel.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

#include "platform/platform.hpp"

namespace schemagate {

unsigned worker_count(unsigned requested) {
  if (requested != 0) return requested;
  return std::max(1U, std::thread::hardware_concurrency());
}

Workers::Workers(unsigned count, std::size_t stack_bytes) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  for (unsigned i = 0; i < count; ++i) {
    pthread_t t;
    if (int err = pthread_create(&t, &attr, &Workers::main, this); err != 0) {
      pthread_attr_destroy(&attr);
      if (threads_.empty()) throw std::system_error(err, std::generic_category(), "thread");
      break;  // fewer workers than asked for still do the job
    }
    threads_.push_back(t);
  }
  pthread_attr_destroy(&attr);
}

Workers::~Workers() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (pthread_t t : threads_) pthread_join(t, nullptr);
}

void Workers::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void* Workers::main(void* self) {
  static_cast<Workers*>(self)->run();
  return nullptr;
}

void Workers::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void ordered_pipeline(Workers* workers, std::size_t n, std::size_t window,
                      const std::function<void(std::size_t)>& load,
                      const std::function<void(std::size_t)>& consume) {
  if (workers == nullptr || n <= 1) {
    for (std::size_t i = 0; i < n; ++i) {
      load(i);
      consume(i);
    }
    return;
  }
  struct Shared {
    std::mutex mutex;
    std::condition_variable done;
    std::vector<bool> ready;
  };
  auto shared = std::make_shared<Shared>();
  shared->ready.assign(n, false);
  std::size_t submitted = 0;
  auto submit_up_to = [&](std::size_t limit) {
    for (; submitted < std::min(limit, n); ++submitted) {
      workers->submit([shared, &load, i = submitted] {
        load(i);
        {
          std::lock_guard lock(shared->mutex);
          shared->ready[i] = true;
        }
        shared->done.notify_all();
      });
    }
  };
  if (window == 0) window = 4 * static_cast<std::size_t>(workers->size());
  submit_up_to(window);
  auto wait_for = [&](std::size_t i) {
    std::unique_lock lock(shared->mutex);
    shared->done.wait(lock, [&] { return shared->ready[i]; });
  };
  std::size_t i = 0;
  try {
    for (; i < n; ++i) {
      wait_for(i);
      consume(i);
      submit_up_to(i + 1 + window);
    }
  } catch (...) {
    // The jobs refer to `load`: let the submitted ones finish before leaving.
    for (std::size_t j = i; j < submitted; ++j) wait_for(j);
    throw;
  }
}

void parallel_for(Workers* workers, std::size_t n, const std::function<void(std::size_t)>& fn) {
  ordered_pipeline(workers, n, 0, fn, [](std::size_t) {});
}

std::unique_ptr<Workers> workers_with_main_stack(unsigned count) {
  constexpr std::size_t kMinStack = std::size_t{8} << 20U;
  constexpr std::size_t kMaxStack = std::size_t{64} << 20U;
  std::size_t stack = kMinStack;
  if (std::optional<std::size_t> limit = platform::main_thread_stack_limit()) {
    stack = std::clamp<std::size_t>(*limit, kMinStack, kMaxStack);
  }
  try {
    return std::make_unique<Workers>(count, stack);
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace schemagate
