// SPDX-License-Identifier: Apache-2.0
// Internal to the kernel library: the export macro, the thread pool's interface and the
// scalar math the kernels share. Not part of the C API (that is nn_kernels.h).
#pragma once
#include <stdint.h>
#include "nn_kernels.h"

#define NNK_API extern "C" __attribute__((visibility("default")))
#ifndef NNK_CLONES
#define NNK_CLONES
#endif

// The most threads the pool runs (OpenBLAS's MAX_THREADS in the bundled build).
#define NNK_MAX_THREADS 64

// A piece of a kernel: handles items [begin, end) of its range; part is 0..parts-1 (for partials).
typedef void (*nnk_task)(void* ctx, int64_t begin, int64_t end, int part);

// Runs task over [0, n) split into contiguous parts whose boundaries are multiples of align
// (except n itself); work is the number of elements touched. Below the parallel threshold there is
// one part, [0, n); above it, a few per thread budget's worth of work, claimed by the caller and the
// pool's workers. Returns the number of parts (1..NNK_MAX_THREADS); part k covers the same range for
// a given n, work, align and threshold, whatever the thread count.
int nnk_parallel(nnk_task task, void* ctx, int64_t n, int64_t work, int64_t align);

// Runs task over [0, n) in exactly `parts` contiguous parts (boundaries multiples of align), claimed
// by the caller and the pool's workers; with one thread, the caller runs them all in order.
int nnk_run_parts(nnk_task task, void* ctx, int64_t n, int parts, int64_t align);

// Runs task over [0, n) in exactly `parts` pieces, as nnk_run_parts cuts them, all on the caller in order.
int nnk_run_serial(nnk_task task, void* ctx, int64_t n, int parts, int64_t align);

// Where piece `part` of `parts` starts when [0, n) is cut with boundaries multiples of align.
int64_t nnk_part_bound(int64_t n, int64_t align, int part, int parts);

// c = alpha·op(a)·op(b) + beta·c (row-major, as cblas_sgemm) on the calling thread: for kernels that
// run inside a pool task. Skinny products run in the blocks OpenBLAS computes unpacked, as sgemm's, and
// a single row of c as a matrix-vector product.
void nnk_gemm_serial(bool ta, bool tb, int M, int N, int K, float alpha, const float* a, int lda, const float* b,
                     int ldb, float beta, float* c, int ldc);

// The pool's thread count (1 = the caller alone).
int nnk_threads(void);
