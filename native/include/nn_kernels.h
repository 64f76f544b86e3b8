// SPDX-License-Identifier: Apache-2.0
// Gradus native kernels: plain extern "C" functions over float* and sizes (see nn_kernels.cpp).
#pragma once
#ifdef __cplusplus
extern "C" {
#endif

// The instruction set the kernels run with on this CPU: "avx512f", "avx2" or "baseline".
const char* nnk_isa(void);

#ifdef __cplusplus
}
#endif
