// SPDX-License-Identifier: Apache-2.0
#include "nn_kernels.h"

#define NNK_API extern "C" __attribute__((visibility("default")))

NNK_API const char* nnk_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return "avx512f";
    if (__builtin_cpu_supports("avx2")) return "avx2";
    return "baseline";
}
