// SPDX-License-Identifier: Apache-2.0
// GEMM: OpenBLAS cblas_sgemm, split over our thread pool.
//
// OpenBLAS runs single-threaded (Java sets blas_set_num_threads(1)); large products are cut into
// blocks of C's longer side and the blocks are claimed by the caller and the pool's workers, each
// block one single-threaded cblas_sgemm. So the process has one thread pool, not two: nothing
// spins while another pool works, and a worker the scheduler leaves asleep does not hold the call
// up (the caller takes its blocks).
//
// The blocks are chosen from the product's shape alone, never from the thread count: OpenBLAS's
// kernels round a block's edges differently from the same elements inside one larger call (the
// Haswell kernel does; Cooperlake's and SkylakeX's happen not to), so only a split that never
// changes keeps results bit-identical for every thread count, on every kernel.
#include <cblas.h>
#include "nnk_internal.h"

namespace {

// Products smaller than this (2·M·N·K flops) run on the caller (skinny ones in blocks, below).
// Network A's (6.4 MFLOP) gain from the split inside a training step only because each thread keeps
// its share of a layer's weights from one kernel to the next (the pool's claim order and the weight
// gradient's split, below); when blocks went to whichever thread came first, the weights moved
// between the two cores' caches and the step was slower split than not.
int64_t gemm_threshold = 4 << 20;

// Larger products are cut in two blocks along C's longer side. More blocks would pack the operand
// that every block reads in full once per block, and B's hidden-layer products ran slower cut in
// four. Two blocks also keep a GEMM to two cores on a larger machine: the count cannot follow the
// thread count without changing the bits.
bool split(double flops) {
    return gemm_threshold == 0 ? flops > 0 : flops >= (double) gemm_threshold;
}

// OpenBLAS's AVX-512 kernels (SkylakeX, Cooperlake, SapphireRapids) compute small products directly,
// without packing either operand: for skinny products, a network's narrow layers and small batches,
// that is faster than the packed path (the benchmark report's GEMM tables). Its test (sgemm_small_kernel_permit_skylakex.c), in
// our row-major terms (cblas swaps the operands: its transa is our tb, its M our N): M·N·K <= 10^6, no
// op(A)ᵀ·op(B)ᵀ, and for A·Bᵀ also M·N <= 1200 and K >= 32. Other kernels ignore it; the blocks below
// are then merely smaller calls.
bool small_path(bool ta, bool tb, int64_t M, int64_t N, int64_t K) {
    if ((double) M * N * K > 1e6) return false;
    if (tb && (ta || M * N > 1200 || K < 32)) return false;
    return true;
}

constexpr int MAX_SMALL_BLOCKS = 16;
constexpr int64_t ALIGN = 16;

// The fewest blocks (2..MAX_SMALL_BLOCKS) of the split side, n of M or N, whose every block takes the
// small path; 0 when the whole product already does, or no such split exists.
int small_blocks(bool ta, bool tb, int M, int N, int K, bool by_columns) {
    if (small_path(ta, tb, M, N, K)) return 0;
    if ((double) M * N * K > 1e6 * MAX_SMALL_BLOCKS) return 0;   // no block of any split is small enough
    int64_t n = by_columns ? N : M;
    for (int parts = 2; parts <= MAX_SMALL_BLOCKS; parts++) {
        int64_t widest = 0;
        for (int k = 0; k < parts; k++) {
            int64_t w = nnk_part_bound(n, ALIGN, k + 1, parts) - nnk_part_bound(n, ALIGN, k, parts);
            if (w > widest) widest = w;
        }
        if (by_columns ? small_path(ta, tb, M, widest, K) : small_path(ta, tb, widest, N, K)) return parts;
    }
    return 0;
}

struct Gemm {
    CBLAS_TRANSPOSE ta, tb;
    int M, N, K;
    float alpha, beta;
    const float* a; int lda;
    const float* b; int ldb;
    float* c; int ldc;
    bool by_columns;   // split C's columns (else its rows)
};

void gemm_block(void* ctx, int64_t begin, int64_t end, int) {
    const Gemm& g = *static_cast<const Gemm*>(ctx);
    int len = (int) (end - begin);
    if (g.by_columns) {   // C[:, begin:end] = op(A) · op(B)[:, begin:end]
        const float* b = g.tb == CblasNoTrans ? g.b + begin : g.b + begin * g.ldb;
        cblas_sgemm(CblasRowMajor, g.ta, g.tb, g.M, len, g.K, g.alpha, g.a, g.lda, b, g.ldb, g.beta, g.c + begin, g.ldc);
    } else {              // C[begin:end, :] = op(A)[begin:end, :] · op(B)
        const float* a = g.ta == CblasNoTrans ? g.a + begin * g.lda : g.a + begin;
        cblas_sgemm(CblasRowMajor, g.ta, g.tb, len, g.N, g.K, g.alpha, a, g.lda, g.b, g.ldb, g.beta, g.c + begin * g.ldc, g.ldc);
    }
}

Gemm gemm(bool ta, bool tb, int M, int N, int K, float alpha, const float* a, int lda, const float* b, int ldb,
          float beta, float* c, int ldc) {
    // A dense layer's weight gradient (dW = doutᵀ·inp, C's rows are W's rows) splits its rows, as the
    // forward (out = inp·Wᵀ, C's columns are W's rows) splits its columns: each thread computes the
    // gradient of the rows whose forward it ran (the pool keeps the first blocks on the caller).
    bool by_columns = ta && !tb && M >= 2 * ALIGN ? false : N >= M;
    return Gemm{ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, alpha, beta,
                a, lda, b, ldb, c, ldc, by_columns};
}

// A single row of output (one sample through a dense layer): a matrix-vector product, which OpenBLAS's
// sgemv streams the weights through faster than its sgemm kernels do. c (1,N) = op(a) (1,K) · op(b).
void gemv_row(bool ta, bool tb, int N, int K, float alpha, const float* a, int lda, const float* b, int ldb,
              float beta, float* c) {
    int inc_a = ta ? lda : 1;   // op(a)'s one row: a's row, or a's column
    if (tb) {   // op(b) = bᵀ, b (N,K): c = b · a
        cblas_sgemv(CblasRowMajor, CblasNoTrans, N, K, alpha, b, ldb, a, inc_a, beta, c, 1);
    } else {    // b (K,N): c = bᵀ · a
        cblas_sgemv(CblasRowMajor, CblasTrans, K, N, alpha, b, ldb, a, inc_a, beta, c, 1);
    }
}

}  // namespace

void nnk_gemm_serial(bool ta, bool tb, int M, int N, int K, float alpha, const float* a, int lda, const float* b,
                     int ldb, float beta, float* c, int ldc) {
    if (M == 1) {
        gemv_row(ta, tb, N, K, alpha, a, lda, b, ldb, beta, c);
        return;
    }
    Gemm g = gemm(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    int small = small_blocks(ta, tb, M, N, K, g.by_columns);
    nnk_run_serial(gemm_block, &g, g.by_columns ? N : M, small > 1 ? small : 1, ALIGN);
}

NNK_API void nnk_set_gemm_threshold(int64_t flops) { gemm_threshold = flops < 0 ? 0 : flops; }

NNK_API int64_t nnk_gemm_threshold(void) { return gemm_threshold; }

// c is (M,N), op(a) is (M,K), op(b) is (K,N); row-major with leading dimensions lda, ldb, ldc.
// c = alpha·op(a)·op(b) + beta·c; beta == 0 ignores c's contents (BLAS semantics).
NNK_API void sgemm(float* c, const float* a, const float* b, int trans_a, int trans_b, float alpha, float beta,
                   int M, int N, int K, int lda, int ldb, int ldc) {
    if (M == 1 || !split(2.0 * M * N * K)) {
        // on the caller: spread over the cores, a small product's blocks would move their shares of the
        // operands between the cores' caches, which costs more than the blocks compute (one row is a
        // matrix-vector product)
        nnk_gemm_serial(trans_a, trans_b, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    Gemm g = gemm(trans_a, trans_b, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    int small = small_blocks(trans_a, trans_b, M, N, K, g.by_columns);
    // with one thread the blocks run in turn on the caller: the same calls, so the same bits
    nnk_run_parts(gemm_block, &g, g.by_columns ? N : M, small > 2 ? small : 2, ALIGN);
}
