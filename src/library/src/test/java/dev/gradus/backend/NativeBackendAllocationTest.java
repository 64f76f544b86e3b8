// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.SgdConfig;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A steady-state NativeBackend call allocates nothing on the Java heap: after warm-up, thousands of
 * calls of every kernel add (almost) nothing to this thread's allocated-bytes counter. Counts bytes,
 * never time.
 */
class NativeBackendAllocationTest {

    @Test
    void steadyStateCallsDoNotAllocate() {
        Backend b = new NativeBackend();
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        SgdConfig sgd = SgdConfig.of(0.01f).withMomentum(0.9f);
        AdamConfig adam = AdamConfig.adam(0.001f);
        try (Tensor x = Tensor.allocate(32, 128).fill(0.5f); Tensor w = Tensor.allocate(64, 128).fill(0.01f);
             Tensor y = Tensor.allocate(32, 64); Tensor bias = Tensor.allocate(1, 64); Tensor dy = Tensor.allocate(32, 64);
             Tensor dx = Tensor.allocate(32, 64); Tensor dw = Tensor.allocate(64, 128); Tensor target = Tensor.allocate(32, 64);
             Tensor mask = Tensor.allocate(32, 64); Tensor p = Tensor.allocate(1, 4096); Tensor g = Tensor.allocate(1, 4096);
             Tensor m = Tensor.allocate(1, 4096); Tensor v = Tensor.allocate(1, 4096); Labels labels = Labels.allocate(32)) {
            Runnable step = () -> {
                b.gemm(y, x, Transpose.NO, w, Transpose.YES, 1f, 0f);
                b.activationForward(Activation.RELU, y, y, bias);
                b.lossForward(Loss.MSE, y, target);
                b.lossBackward(Loss.MSE, dy, y, target);
                b.crossEntropyForward(y, labels);
                b.crossEntropyBackward(dx, y, labels);
                b.activationBackward(Activation.RELU, dy, dy, y, y, bias);
                b.gemm(dw, dy, Transpose.YES, x, Transpose.NO, 1f, 1f);
                b.dropoutForward(dx, mask, dy, 0.5f, 42L);
                b.dropoutBackward(dx, dx, mask);
                b.sgdUpdate(p, g, m, sgd, 0.01f, 2);
                b.adamUpdate(p, g, m, v, null, adam, 0.001f, 3);
                b.sumOfSquares(g);
                b.scale(g, 0.5f);
                b.clamp(g, -1f, 1f);
                b.zero(g);
            };
            for (int i = 0; i < 20_000; i++) {
                step.run();   // warm-up: class loading, JIT compilation
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 5_000; i++) {
                step.run();
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            System.out.println("[diag] 5000 steps of 15 native calls allocated " + allocated + " bytes");
            // 75,000 calls: a single per-call allocation would show as >= 1.2 MB; allow a few stray objects
            assertTrue(allocated < 16_384, allocated + " bytes allocated by 75,000 steady-state calls");
        }
    }
}
