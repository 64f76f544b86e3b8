// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradus.backend.jni.NativeBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The OpenBLAS kernel that runs is the one the environment asks for: {@code BlasKernelMatrixTest}
 * re-runs the suites tagged "blas" under several {@code OPENBLAS_CORETYPE} values, and a silent fallback
 * to another kernel would make those runs prove nothing.
 */
@Tag("blas")
class BlasKernelTest {

    @Test
    void runsTheKernelTheEnvironmentForces() {
        String forced = System.getenv("OPENBLAS_CORETYPE");
        String core = NativeBackend.info().blasCore();
        System.out.println("[diag] OpenBLAS kernel " + core + " (OPENBLAS_CORETYPE=" + forced + ")");
        if (forced != null && !forced.isBlank()) {
            assertEquals(forced.trim().toLowerCase(java.util.Locale.ROOT), core.toLowerCase(java.util.Locale.ROOT),
                    "OPENBLAS_CORETYPE=" + forced + " but OpenBLAS runs " + core);
        }
    }
}
