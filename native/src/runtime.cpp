// SPDX-License-Identifier: Apache-2.0
// Runtime of the kernel library: which ISA clone runs, and the small persistent thread pool that
// splits large elementwise calls. The pool's workers sleep on a condition variable between calls
// (no spinning): OpenBLAS's own pthreads pool shares the same cores, and the two never run at the
// same time because kernel and GEMM calls are sequential.
#include <atomic>
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

// A call's range is cut into `parts` fixed pieces (nnk_parallel says how many); the caller and the
// workers claim pieces one at a time from a counter tagged with the job's generation, until none is
// left. The caller never waits for a thread that has not started: a worker the scheduler leaves
// asleep (OpenBLAS's threads spin for a while after each GEMM, on the same cores) finds the job done
// when it wakes. Which thread runs a piece never changes what the piece computes.
struct Pool {
    std::mutex dispatch;               // one parallel call at a time (callers queue here)
    std::mutex m;
    std::condition_variable wake;      // workers wait for a new generation
    std::condition_variable done;      // the caller waits for finished == parts
    std::thread workers[NNK_MAX_THREADS];
    int nthreads = 1;                  // caller + nthreads - 1 workers
    uint64_t generation = 0;
    bool stop = false;
    // the current job
    nnk_task task = nullptr;
    void* ctx = nullptr;
    int64_t n = 0, align = 1;
    int parts = 1;
    std::atomic<uint64_t> claim{0};    // (generation << 32) | next piece
    std::atomic<int> finished{0};      // pieces done in the current job
    // Elements; below this a call stays in one piece on the caller. High on purpose: right after a GEMM,
    // OpenBLAS's threads spin on the same cores, and a woken worker that gets preempted holding a piece
    // costs a time slice (measured: two 256x1024 activations after a 256x784x1024 GEMM took 1.2-1.6 ms on
    // average when split, 0.35 ms on one thread). Training-size kernels (network B: 262144 activations,
    // 1.9 M parameters) stay on the caller; DRAM-sized ones, which one core cannot stream alone, split.
    int64_t threshold = 1 << 22;
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

// Claims and runs pieces of job `gen` until none is left.
void run_pieces(Pool* p, uint64_t gen, nnk_task task, void* ctx, int64_t n, int64_t align, int parts) {
    const uint64_t tag = (gen & 0xffffffffu) << 32;
    for (;;) {
        uint64_t v = p->claim.load(std::memory_order_relaxed);
        do {
            if ((v & ~0xffffffffull) != tag || (int) (v & 0xffffffffu) >= parts) return;
        } while (!p->claim.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel));
        int k = (int) (v & 0xffffffffu);
        int64_t b = bound(n, align, k, parts), e = bound(n, align, k + 1, parts);
        if (b < e) task(ctx, b, e, k);
        if (p->finished.fetch_add(1, std::memory_order_acq_rel) + 1 == parts) {
            std::lock_guard<std::mutex> lock(p->m);
            p->done.notify_one();
        }
    }
}

// A worker serves every job published after `seen` (the generation at its start).
void worker(Pool* p, uint64_t seen) {
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
        run_pieces(p, seen, task, ctx, n, align, parts);
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
    for (int i = 1; i < nthreads; i++) p.workers[i] = std::thread(worker, &p, p.generation);
    p.nthreads = nthreads;
}

NNK_API int nnk_threads(void) { return pool().nthreads; }

NNK_API void nnk_set_parallel_threshold(int64_t elements) { pool().threshold = elements < 1 ? 1 : elements; }

NNK_API int64_t nnk_parallel_threshold(void) { return pool().threshold; }

// Pieces: one below the threshold; above it, one per threshold/4 elements of work (at most
// NNK_MAX_THREADS, never more than the aligned pieces there are). The count depends on the call only,
// not on the thread count, so per-piece partials make every reduction independent of the threads.
int nnk_parallel(nnk_task task, void* ctx, int64_t n, int64_t work, int64_t align) {
    Pool& p = pool();
    if (n <= 0) return 1;
    if (align < 1) align = 1;
    int64_t grain = p.threshold / 4 > 0 ? p.threshold / 4 : 1;
    int64_t pieces = (n + align - 1) / align;
    int64_t want = work < p.threshold ? 1 : work / grain;
    if (want < 2 && work >= p.threshold) want = 2;
    if (want > NNK_MAX_THREADS) want = NNK_MAX_THREADS;
    if (want > pieces) want = pieces;
    return nnk_run_parts(task, ctx, n, (int) (want < 1 ? 1 : want), align);
}

int nnk_run_parts(nnk_task task, void* ctx, int64_t n, int parts, int64_t align) {
    Pool& p = pool();
    if (n <= 0) return 1;
    if (align < 1) align = 1;
    if (parts < 1) parts = 1;
    if (parts > NNK_MAX_THREADS) parts = NNK_MAX_THREADS;
    if (parts == 1 || p.nthreads == 1) {
        for (int k = 0; k < parts; k++) {
            int64_t b = bound(n, align, k, parts), e = bound(n, align, k + 1, parts);
            if (b < e) task(ctx, b, e, k);
        }
        return parts;
    }
    std::lock_guard<std::mutex> d(p.dispatch);
    uint64_t gen;
    {
        std::lock_guard<std::mutex> lock(p.m);
        p.task = task; p.ctx = ctx; p.n = n; p.align = align; p.parts = parts;
        gen = ++p.generation;
        p.finished.store(0, std::memory_order_relaxed);
        p.claim.store((gen & 0xffffffffu) << 32, std::memory_order_release);
    }
    p.wake.notify_all();
    run_pieces(&p, gen, task, ctx, n, align, parts);
    std::unique_lock<std::mutex> lock(p.m);
    p.done.wait(lock, [&] { return p.finished.load(std::memory_order_acquire) == parts; });
    return parts;
}
