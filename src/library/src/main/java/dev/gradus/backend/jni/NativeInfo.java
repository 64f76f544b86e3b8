// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.jni;

/**
 * What the native backend runs on this machine.
 *
 * @param isa               the kernels' instruction-set clone: "avx512", "avx2" or "baseline"
 * @param blasConfig        OpenBLAS's {@code openblas_get_config()}, e.g. "OpenBLAS 0.3.31 DYNAMIC_ARCH ... Cooperlake"
 * @param blasCore          the OpenBLAS kernel that runs ({@code openblas_get_corename()}), e.g. "Haswell"
 *                          or "Cooperlake": chosen for this CPU, or forced by {@code OPENBLAS_CORETYPE}
 * @param blasThreads       OpenBLAS's current thread count
 * @param kernelThreads     the kernel pool's thread count (the caller included)
 * @param parallelThreshold elements from which a kernel call is split over the pool
 * @param gemmSplitFlops    flops (2·M·N·K) from which a GEMM is split over the pool
 * @param flushDenormals    whether kernels flush subnormal floats to zero (see {@link NativeBackend#setFlushDenormals})
 */
public record NativeInfo(String isa, String blasConfig, String blasCore, int blasThreads, int kernelThreads, long parallelThreshold,
                         long gemmSplitFlops, boolean flushDenormals) {
    @Override
    public String toString() {
        return "kernels " + isa + ", " + kernelThreads + " thread(s) (elementwise split from " + parallelThreshold
                + " elements, GEMM from " + gemmSplitFlops + " flops), subnormals "
                + (flushDenormals ? "flushed to zero" : "kept (IEEE)") + "; " + blasConfig + ", kernel " + blasCore + ", "
                + blasThreads
                + " thread(s) inside each GEMM block";
    }
}
