// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decision behind the "slower OpenBLAS kernel than this CPU supports" warning, on made-up CPUs. */
class BlasKernelCheckTest {
    private static final Set<String> AVX2 = Set.of("sse2", "avx", "avx2", "fma");
    private static final Set<String> SKYLAKE_X = with(AVX2, "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd");
    private static final Set<String> ZEN5 = with(SKYLAKE_X, "avx512_bf16", "avx512_vnni");

    @Test
    void haswellOnAnAvx512CpuWarnsAndNamesTheVariable() {
        Optional<String> w = BlasKernelCheck.warning("Haswell", ZEN5, "Haswell");
        assertTrue(w.isPresent());
        assertTrue(w.get().contains("OPENBLAS_CORETYPE=Haswell"), w.get());
        assertTrue(w.get().contains("unset OPENBLAS_CORETYPE"), w.get());
        assertTrue(w.get().contains("Cooperlake"), w.get());
    }

    @Test
    void aKernelBelowTheCpuWithoutTheVariableSaysHowToSetIt() {
        Optional<String> w = BlasKernelCheck.warning("Haswell", SKYLAKE_X, null);
        assertTrue(w.isPresent());
        assertTrue(w.get().contains("set OPENBLAS_CORETYPE=SkylakeX"), w.get());
    }

    @Test
    void theBestKernelForTheCpuIsQuiet() {
        assertEquals(Optional.empty(), BlasKernelCheck.warning("Cooperlake", ZEN5, null));
        assertEquals(Optional.empty(), BlasKernelCheck.warning("SkylakeX", SKYLAKE_X, "SkylakeX"));
        assertEquals(Optional.empty(), BlasKernelCheck.warning("Haswell", AVX2, "Haswell"));
        assertEquals(Optional.empty(), BlasKernelCheck.warning("Zen", AVX2, null), "Zen is an AVX2 kernel too");
    }

    @Test
    void theAvx512KernelsShareOneSgemm() {
        // OpenBLAS picks SkylakeX on some BF16 CPUs (Sapphire Rapids guests): its SGEMM is Cooperlake's
        assertEquals(Optional.empty(), BlasKernelCheck.warning("SkylakeX", ZEN5, null));
        assertEquals(Optional.empty(), BlasKernelCheck.warning("SapphireRapids", ZEN5, null));
        assertTrue(BlasKernelCheck.warning("HASWELL", ZEN5, null).isPresent(), "names are case-insensitive");
    }

    @Test
    void unknownKernelsOrCpusGiveNoAdvice() {
        assertEquals(Optional.empty(), BlasKernelCheck.warning("ARMV8", ZEN5, null));
        assertEquals(Optional.empty(), BlasKernelCheck.warning("Haswell", Set.of(), null), "no /proc/cpuinfo");
        assertEquals(Optional.empty(), BlasKernelCheck.warning("Haswell", Set.of("asimd", "fp"), null), "not x86-64");
        assertEquals(Optional.empty(), BlasKernelCheck.warning(null, ZEN5, null));
    }

    @Test
    void bestKernelFollowsTheFlags() {
        assertEquals(Optional.of("Cooperlake"), BlasKernelCheck.bestKernel(ZEN5));
        assertEquals(Optional.of("SkylakeX"), BlasKernelCheck.bestKernel(SKYLAKE_X));
        assertEquals(Optional.of("Haswell"), BlasKernelCheck.bestKernel(AVX2));
        assertEquals(Optional.of("Sandybridge"), BlasKernelCheck.bestKernel(Set.of("sse2", "avx")));
        assertEquals(Optional.of("Haswell"), BlasKernelCheck.bestKernel(with(AVX2, "avx512f")),
                "avx512f alone is not the SkylakeX kernel's instruction set");
    }

    @Test
    void thisProcessAgreesWithTheDecisionOnItsOwnCpu() {
        String core = NativeBackend.info().blasCore();
        assertEquals(BlasKernelCheck.warning(core, BlasKernelCheck.cpuFlags(), System.getenv("OPENBLAS_CORETYPE")),
                NativeBackend.blasKernelWarning());
    }

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> s = new HashSet<>(base);
        s.addAll(Set.of(more));
        return Set.copyOf(s);
    }
}
