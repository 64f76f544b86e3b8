// SPDX-License-Identifier: Apache-2.0
// Runtime of the kernel library: which ISA clone runs, the floating-point mode kernels run in, and
// the process's one thread pool, which splits large GEMMs (gemm.cpp; OpenBLAS itself stays
// single-threaded) and large elementwise calls. Idle workers watch for the next job for a moment,
// then sleep on a condition variable.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cblas.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define NNK_X86 1
#endif
#include "nnk_internal.h"

// The same test and priority order as the ifunc resolvers of NNK_CLONES: v4, then v3, then default.
NNK_API const char* nnk_isa(void) {
#ifdef NNK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "avx512";
    if (__builtin_cpu_supports("x86-64-v3")) return "avx2";
    return "baseline";
#else
    return "generic";   // not x86: one build for the compiler's target, no clones
#endif
}

// The OpenBLAS this library is linked against (the one Java's openblas_nolapack preset loads).
NNK_API const char* nnk_blas_config(void) { return openblas_get_config(); }
NNK_API const char* nnk_blas_core(void) { return openblas_get_corename(); }
NNK_API int nnk_blas_threads(void) { return openblas_get_num_threads(); }

namespace {

// Subnormal floats (below 1.2e-38) cost a microcode assist of ~100 cycles per operation on many x86
// CPUs. They are routine in training: the momentum of a weight whose gradient is always 0 (an
// MNIST border pixel) decays into them and, rounded back up, stays there forever. So kernels run with
// FTZ|DAZ set by default (as TensorFlow and JAX do on CPUs), restored on return: Java's own float
// arithmetic on the calling thread is never affected. nnk_set_flush_denormals(0) keeps IEEE behaviour.
std::atomic<bool> flush_denormals{true};
constexpr unsigned FTZ_DAZ = 0x8040;

#ifdef NNK_X86
struct FloatMode {
    unsigned saved;
    FloatMode() : saved(_mm_getcsr()) {
        _mm_setcsr(flush_denormals.load(std::memory_order_relaxed) ? (saved | FTZ_DAZ) : (saved & ~FTZ_DAZ));
    }
    ~FloatMode() { _mm_setcsr(saved); }
};
#else
struct FloatMode {};   // elsewhere kernels keep the platform's default (IEEE) mode
#endif

// A call's range is cut into `parts` fixed pieces (nnk_parallel says how many); the caller claims
// them one at a time from the first up, the workers from the last down, until none is left. So when
// both threads keep pace, the caller runs the first half of every call and a worker the second:
// consecutive kernels over the same arrays (a layer's forward GEMM, its weight gradient, the
// optimizer's update) find their half in their own core's cache. The caller never waits for a thread
// that has not started: a worker the scheduler leaves asleep (OpenBLAS's threads spin for a while
// after each GEMM, on the same cores) finds the job done when it wakes. Which thread runs a piece
// never changes what the piece computes.
struct Pool {
    std::mutex dispatch;               // one parallel call at a time (callers queue here)
    std::mutex m;
    std::condition_variable wake;      // workers wait for a new generation
    std::condition_variable done;      // the caller waits for finished == parts
    std::thread workers[NNK_MAX_THREADS];
    int nthreads = 1;                  // caller + nthreads - 1 workers
    uint64_t generation = 0;
    std::atomic<uint64_t> published{0};   // generation, readable without the lock (for spinning workers)
    std::atomic<bool> stopping{false};
    bool stop = false;
    // the current job
    nnk_task task = nullptr;
    void* ctx = nullptr;
    int64_t n = 0, align = 1;
    int parts = 1;
    std::atomic<uint64_t> claim{0};    // (generation << 32) | (first unclaimed << 16) | end of unclaimed
    std::atomic<int> finished{0};      // pieces done in the current job
    // Elements; below this a call stays in one piece on the caller. While OpenBLAS ran its own pool,
    // its threads spun after each GEMM and a split kernel right after one lost a time slice (4 Mi was
    // needed then). With OpenBLAS single-threaded inside our GEMM blocks, and workers that watch
    // briefly for the next job, network B's kernels (262144 activations, 1.9 M parameters) gain from
    // the split: one epoch of B, 17.1k -> 19.1k samples/s on 2 threads.
    int64_t threshold = 1 << 18;
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

// Claims and runs pieces of job `gen` until none is left: from the front (the caller) or the back.
void run_pieces(Pool* p, uint64_t gen, nnk_task task, void* ctx, int64_t n, int64_t align, int parts, bool front) {
    FloatMode mode;
    const uint64_t tag = (gen & 0xffffffffu) << 32;
    for (;;) {
        uint64_t v = p->claim.load(std::memory_order_relaxed), next;
        int k;
        do {
            int first = (int) ((v >> 16) & 0xffffu), end = (int) (v & 0xffffu);
            if ((v & ~0xffffffffull) != tag || first >= end) return;
            k = front ? first : end - 1;
            next = front ? v + (1u << 16) : v - 1;
        } while (!p->claim.compare_exchange_weak(v, next, std::memory_order_acq_rel));
        int64_t b = bound(n, align, k, parts), e = bound(n, align, k + 1, parts);
        if (b < e) task(ctx, b, e, k);
        if (p->finished.fetch_add(1, std::memory_order_acq_rel) + 1 == parts) {
            std::lock_guard<std::mutex> lock(p->m);
            p->done.notify_one();
        }
    }
}

// How long an idle worker watches for the next job, and a caller for the workers' last pieces, before
// sleeping. The parallel calls of a training step come microseconds to milliseconds apart, and waking
// a sleeping thread costs tens of microseconds (a futex and an inter-processor interrupt, more under a
// hypervisor). Measured on one epoch of network B, 2 threads: 14.1-16.4k samples/s without the
// watch, 15.9-18.0k with it. The watch pauses (_mm_pause) and ends on its own, so an idle process
// uses no CPU.
constexpr auto SPIN = std::chrono::microseconds(300);

// Watches, without the lock, until `ready` or SPIN has passed; true when ready.
template <class Ready>
bool spin_until(Ready ready) {
    auto until = std::chrono::steady_clock::now() + SPIN;
    for (int i = 0;; i++) {
        if (ready()) return true;
#ifdef NNK_X86
        _mm_pause();
#endif
        if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) return false;
    }
}

// A worker serves every job published after `seen` (the generation at its start).
void worker(Pool* p, uint64_t seen) {
    for (;;) {
        nnk_task task;
        void* ctx;
        int64_t n, align;
        int parts;
        spin_until([&] {   // then the lock: the predicate returns at once if a job came meanwhile
            return p->published.load(std::memory_order_acquire) != seen || p->stopping.load(std::memory_order_relaxed);
        });
        {
            std::unique_lock<std::mutex> lock(p->m);
            p->wake.wait(lock, [&] { return p->stop || p->generation != seen; });
            if (p->stop) return;
            seen = p->generation;
            task = p->task; ctx = p->ctx; n = p->n; align = p->align; parts = p->parts;
        }
        run_pieces(p, seen, task, ctx, n, align, parts, false);
    }
}

void stop_workers(Pool& p) {
    {
        std::lock_guard<std::mutex> lock(p.m);
        p.stop = true;
        p.stopping.store(true);
    }
    p.wake.notify_all();
    for (int i = 1; i < p.nthreads; i++) p.workers[i].join();
    p.stop = false;
    p.stopping.store(false);
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

NNK_API void nnk_set_flush_denormals(int on) { flush_denormals.store(on != 0); }

NNK_API int nnk_flush_denormals(void) { return flush_denormals.load() ? 1 : 0; }

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

int64_t nnk_part_bound(int64_t n, int64_t align, int part, int parts) { return bound(n, align < 1 ? 1 : align, part, parts); }

int nnk_run_serial(nnk_task task, void* ctx, int64_t n, int parts, int64_t align) {
    if (n <= 0) return 1;
    FloatMode mode;
    if (align < 1) align = 1;
    if (parts < 1) parts = 1;
    if (parts > NNK_MAX_THREADS) parts = NNK_MAX_THREADS;
    for (int k = 0; k < parts; k++) {
        int64_t b = bound(n, align, k, parts), e = bound(n, align, k + 1, parts);
        if (b < e) task(ctx, b, e, k);
    }
    return parts;
}

int nnk_run_parts(nnk_task task, void* ctx, int64_t n, int parts, int64_t align) {
    Pool& p = pool();
    if (n <= 0) return 1;
    if (parts <= 1 || p.nthreads == 1) return nnk_run_serial(task, ctx, n, parts, align);
    FloatMode mode;
    if (align < 1) align = 1;
    if (parts > NNK_MAX_THREADS) parts = NNK_MAX_THREADS;
    std::lock_guard<std::mutex> d(p.dispatch);
    uint64_t gen;
    {
        std::lock_guard<std::mutex> lock(p.m);
        p.task = task; p.ctx = ctx; p.n = n; p.align = align; p.parts = parts;
        gen = ++p.generation;
        p.published.store(gen, std::memory_order_release);
        p.finished.store(0, std::memory_order_relaxed);
        p.claim.store((gen & 0xffffffffu) << 32 | (uint64_t) parts, std::memory_order_release);
    }
    p.wake.notify_all();
    run_pieces(&p, gen, task, ctx, n, align, parts, true);
    // the workers' last pieces are usually microseconds from done: watch for them before sleeping
    // (a wake-up from the condition variable takes longer than a small job's piece)
    if (spin_until([&] { return p.finished.load(std::memory_order_acquire) == parts; })) return parts;
    std::unique_lock<std::mutex> lock(p.m);
    p.done.wait(lock, [&] { return p.finished.load(std::memory_order_acquire) == parts; });
    return parts;
}
