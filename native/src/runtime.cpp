// SPDX-License-Identifier: Apache-2.0
// Runtime of the kernel library: which ISA clone runs, and the small persistent thread pool that
// splits large elementwise calls. The pool's workers sleep on a condition variable between calls
// (no spinning): OpenBLAS's own pthreads pool shares the same cores, and the two never run at the
// same time because kernel and GEMM calls are sequential.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cblas.h>
#include "nnk_internal.h"

// The same test and priority order as the ifunc resolvers of NNK_CLONES: v4, then v3, then default.
NNK_API const char* nnk_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "avx512";
    if (__builtin_cpu_supports("x86-64-v3")) return "avx2";
    return "baseline";
}

// The OpenBLAS this library is linked against (the one Java's openblas_nolapack preset loads).
NNK_API const char* nnk_blas_config(void) { return openblas_get_config(); }
NNK_API int nnk_blas_threads(void) { return openblas_get_num_threads(); }

namespace {

struct Pool {
    std::mutex dispatch;               // one parallel call at a time (callers queue here)
    std::mutex m;
    std::condition_variable wake;      // workers wait for a new generation
    std::condition_variable done;      // the caller waits for pending == 0
    std::thread workers[NNK_MAX_THREADS];
    int nthreads = 1;                  // caller + nthreads - 1 workers
    uint64_t generation = 0;
    bool stop = false;
    // the current job
    nnk_task task = nullptr;
    void* ctx = nullptr;
    int64_t n = 0, align = 1;
    int parts = 1, pending = 0;
    int64_t threshold = 1 << 18;       // elements; below this a call stays on the caller
};

// Never destroyed: joinable std::threads in a static destructor would terminate the process at exit.
Pool& pool() {
    static Pool* p = new Pool();
    return *p;
}

int64_t bound(int64_t n, int64_t align, int part, int parts) {
    if (part >= parts) return n;
    int64_t b = n * part / parts;
    b = (b + align - 1) / align * align;
    return b < n ? b : n;
}

// A worker runs part `index` of every job published after `seen` (the generation at its start:
// a job that finished before it existed is not its business).
void worker(Pool* p, int index, uint64_t seen) {
    for (;;) {
        nnk_task task;
        void* ctx;
        int64_t n, align;
        int parts;
        {
            std::unique_lock<std::mutex> lock(p->m);
            p->wake.wait(lock, [&] { return p->stop || p->generation != seen; });
            if (p->stop) return;
            seen = p->generation;
            task = p->task; ctx = p->ctx; n = p->n; align = p->align; parts = p->parts;
        }
        if (index < parts) {
            int64_t b = bound(n, align, index, parts), e = bound(n, align, index + 1, parts);
            if (b < e) task(ctx, b, e, index);
        }
        std::lock_guard<std::mutex> lock(p->m);
        if (--p->pending == 0) p->done.notify_one();
    }
}

void stop_workers(Pool& p) {
    {
        std::lock_guard<std::mutex> lock(p.m);
        p.stop = true;
    }
    p.wake.notify_all();
    for (int i = 1; i < p.nthreads; i++) p.workers[i].join();
    p.stop = false;
    p.nthreads = 1;
}

}  // namespace

NNK_API void nnk_set_threads(int nthreads) {
    Pool& p = pool();
    std::lock_guard<std::mutex> d(p.dispatch);
    if (nthreads < 1) nthreads = 1;
    if (nthreads > NNK_MAX_THREADS) nthreads = NNK_MAX_THREADS;
    if (nthreads == p.nthreads) return;
    stop_workers(p);
    for (int i = 1; i < nthreads; i++) p.workers[i] = std::thread(worker, &p, i, p.generation);
    p.nthreads = nthreads;
}

NNK_API int nnk_threads(void) { return pool().nthreads; }

NNK_API void nnk_set_parallel_threshold(int64_t elements) { pool().threshold = elements < 1 ? 1 : elements; }

NNK_API int64_t nnk_parallel_threshold(void) { return pool().threshold; }

int nnk_parallel(nnk_task task, void* ctx, int64_t n, int64_t work, int64_t align) {
    Pool& p = pool();
    if (n <= 0) return 1;
    if (align < 1) align = 1;
    int parts = p.nthreads;
    int64_t pieces = (n + align - 1) / align;   // never more parts than aligned pieces
    if (pieces < parts) parts = (int) pieces;
    if (parts <= 1 || work < p.threshold) {
        task(ctx, 0, n, 0);
        return 1;
    }
    std::lock_guard<std::mutex> d(p.dispatch);
    {
        std::lock_guard<std::mutex> lock(p.m);
        p.task = task; p.ctx = ctx; p.n = n; p.align = align; p.parts = parts;
        p.pending = p.nthreads - 1;
        p.generation++;
    }
    p.wake.notify_all();
    int64_t e = bound(n, align, 1, parts);
    if (e > 0) task(ctx, 0, e, 0);
    std::unique_lock<std::mutex> lock(p.m);
    p.done.wait(lock, [&] { return p.pending == 0; });
    return parts;
}
