// SPDX-License-Identifier: Apache-2.0
// Scalar math shared by the kernels, inlined into each ISA clone.
#pragma once
#include <math.h>
#include <stdint.h>

#define NNK_INLINE static inline __attribute__((always_inline))

NNK_INLINE float nnk_expf(float x) { return expf(x); }
NNK_INLINE float nnk_tanhf(float x) { return tanhf(x); }
NNK_INLINE float nnk_erff(float x) { return erff(x); }
NNK_INLINE float nnk_log1pf(float x) { return log1pf(x); }
NNK_INLINE float nnk_logf(float x) { return logf(x); }
NNK_INLINE float nnk_expm1f(float x) { return expm1f(x); }
