// Linting on all cores: a fixed set of worker threads, and an ordered pipeline on top of it
// that loads items ahead on the workers while the caller consumes them one by one, in order.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace schemagate {

// The number of workers to use: `requested`, or every core when it is 0.
[[nodiscard]] unsigned worker_count(unsigned requested);

class Workers {
 public:
  // Starts `count` threads, each with `stack_bytes` of stack (the frontends recurse, so as
  // much as the main thread has).
  explicit Workers(unsigned count, std::size_t stack_bytes);
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  ~Workers();

  void submit(std::function<void()> job);
  [[nodiscard]] unsigned size() const { return static_cast<unsigned>(threads_.size()); }

 private:
  static void* main(void* self);
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<pthread_t> threads_;
};

// `count` workers (more than one) with the main thread's stack size, at least 8 MiB: the
// frontends recurse. Null when no threads can be had: the caller works on its own thread.
[[nodiscard]] std::unique_ptr<Workers> workers_with_main_stack(unsigned count);

// Calls load(i) for i in [0, n) on the workers, at most `window` items ahead of the
// consumer (0: four per worker), and consume(i) on the calling thread in order, each after its load
// finished. Without workers, it loads and consumes in turn on the calling thread. load must not
// throw.
void ordered_pipeline(Workers* workers, std::size_t n, std::size_t window,
                      const std::function<void(std::size_t)>& load,
                      const std::function<void(std::size_t)>& consume);

// Calls fn(i) for i in [0, n) on the workers (or the calling thread) and waits for all.
void parallel_for(Workers* workers, std::size_t n, const std::function<void(std::size_t)>& fn);

}  // namespace schemagate
