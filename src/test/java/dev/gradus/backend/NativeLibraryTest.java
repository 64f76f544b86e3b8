// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Tensor;
import dev.gradus.Threads;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.jni.NativeInfo;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The native library must load wherever tests run: this test never skips. */
class NativeLibraryTest {

    @Test
    void loadsAndReportsWhatRuns() {
        NativeInfo info = NativeBackend.info();
        System.out.println("[diag] native backend: " + info);
        assertTrue(Set.of("avx512", "avx2", "baseline").contains(info.isa()), info.isa());
        assertTrue(info.blasConfig().startsWith("OpenBLAS"), info.blasConfig());
        assertEquals(Threads.get(), info.kernelThreads());
        assertEquals(Threads.get(), info.blasThreads());
    }

    @Test
    void threadBudgetReachesBothPools() {
        int before = Threads.get();
        try {
            Threads.set(1);
            NativeInfo one = NativeBackend.info();
            assertEquals(1, one.kernelThreads());
            assertEquals(1, one.blasThreads());
            Threads.set(2);
            NativeInfo two = NativeBackend.info();
            assertEquals(2, two.kernelThreads());
            assertEquals(2, two.blasThreads());
        } finally {
            Threads.set(before);
        }
    }

    @Test
    void smallHandComputations() {
        Backend b = new NativeBackend();
        try (Tensor x = Tensor.of(2, 3, -1f, 0f, 2f, 3f, -4f, 0.5f);
             Tensor bias = Tensor.of(1, 3, 1f, 1f, 1f);
             Tensor y = Tensor.allocate(2, 3);
             Tensor a = Tensor.of(2, 2, 1, 2, 3, 4);
             Tensor c = Tensor.allocate(2, 2)) {
            b.activationForward(Activation.RELU, y, x, bias);
            assertEquals("[0.0, 1.0, 3.0, 4.0, 0.0, 1.5]", java.util.Arrays.toString(y.toArray()));
            assertEquals("[0.0, 1.0, 3.0, 4.0, -3.0, 1.5]", java.util.Arrays.toString(x.toArray()));
            b.gemm(c, a, Transpose.NO, a, Transpose.YES, 1f, 0f);   // a·aᵀ
            assertEquals("[5.0, 11.0, 11.0, 25.0]", java.util.Arrays.toString(c.toArray()));
            assertEquals(1 + 4 + 9 + 16, b.sumOfSquares(a), 0.0);
        }
    }
}
