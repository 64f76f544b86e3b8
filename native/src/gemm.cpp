// SPDX-License-Identifier: Apache-2.0
// GEMM: OpenBLAS cblas_sgemm, split over our thread pool.
//
// OpenBLAS runs single-threaded (Java sets blas_set_num_threads(1)); large products are cut into
// blocks of C's longer side and the blocks are claimed by the caller and the pool's workers, each
// block one single-threaded cblas_sgemm. So the process has one thread pool, not two: nothing
// spins while another pool works, and a worker the scheduler leaves asleep does not hold the call
// up (the caller takes its blocks). Each element of C is computed by one call over the whole K,
// so the result does not depend on the split or the thread count.
#include <cblas.h>
#include "nnk_internal.h"

namespace {

// Products smaller than this (2·M·N·K flops) run whole on the caller. Network A's (6.4 MFLOP) ran
// 1.8x faster split in isolation, but slower inside a training step: each split moved half of the
// weights between the two cores' caches. Network B's (400+ MFLOP) gain 1.7x.
int64_t gemm_threshold = 16 << 20;

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

}  // namespace

NNK_API void nnk_set_gemm_threshold(int64_t flops) { gemm_threshold = flops < 0 ? 0 : flops; }

NNK_API int64_t nnk_gemm_threshold(void) { return gemm_threshold; }

// c is (M,N), op(a) is (M,K), op(b) is (K,N); row-major with leading dimensions lda, ldb, ldc.
// c = alpha·op(a)·op(b) + beta·c; beta == 0 ignores c's contents (BLAS semantics).
NNK_API void sgemm(float* c, const float* a, const float* b, int trans_a, int trans_b, float alpha, float beta,
                   int M, int N, int K, int lda, int ldb, int ldc) {
    Gemm g{trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, M, N, K, alpha, beta,
           a, lda, b, ldb, c, ldc, N >= M};
    int threads = nnk_threads();
    double flops = 2.0 * M * N * K;
    // small products in one block on the caller; large ones two blocks per thread, so that a late
    // worker leaves the caller at most half a thread's share to wait for
    int parts = threads == 1 || flops < (double) gemm_threshold ? 1 : 2 * threads;
    nnk_run_parts(gemm_block, &g, g.by_columns ? N : M, parts, 16);
}
