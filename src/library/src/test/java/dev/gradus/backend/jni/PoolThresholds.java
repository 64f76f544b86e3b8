// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.jni;

/**
 * Tests' access to the kernel pool's split thresholds (the binding itself is package-private): set
 * them low to split small calls, then restore the saved value.
 */
public final class PoolThresholds {
    private PoolThresholds() {}

    /** Elements from which an elementwise call is split over the pool. */
    public static long parallel() {
        NativeBackend.load();
        return NnKernels.nnk_parallel_threshold();
    }

    public static void setParallel(long elements) {
        NativeBackend.load();
        NnKernels.nnk_set_parallel_threshold(elements);
    }

    /** Flops (2·M·N·K) from which a GEMM is split into blocks. */
    public static long gemm() {
        NativeBackend.load();
        return NnKernels.nnk_gemm_threshold();
    }

    public static void setGemm(long flops) {
        NativeBackend.load();
        NnKernels.nnk_set_gemm_threshold(flops);
    }
}
