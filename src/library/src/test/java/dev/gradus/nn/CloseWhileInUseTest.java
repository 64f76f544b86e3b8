// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Transpose;
import dev.gradus.optim.Adam;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.Optimizer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Closing a network, an optimizer or a tensor while another thread computes with it is an
 * IllegalStateException in that thread, never a crash (it was a SIGSEGV inside OpenBLAS's sgemm, in
 * adam_range, or in the Java backend's loops), and the memory is still freed, once the call in
 * flight returns. Both ways round: closed during a computation, and used after the close. The
 * computations are large, so that the close lands inside a kernel most of the time.
 */
class CloseWhileInUseTest {
    private static final int ROUNDS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void closingANetworkWhileAnotherThreadTrainsIt(String name) throws Exception {
        Backend b = Backend.named(name);
        int[] sizes = name.equals("native") ? new int[] {784, 1024, 1024, 10} : new int[] {256, 256, 10};
        int batch = name.equals("native") ? 256 : 32;
        long before = Pointer.totalBytes();
        for (int round = 0; round < ROUNDS; round++) {
            try (Tensor x = Tensor.allocate(batch, sizes[0]).fill(0.5f); Labels y = Labels.allocate(batch)) {
                Network net = Network.mlp(b, sizes, Activation.RELU, Loss.CROSS_ENTROPY, round);
                Optimizer opt = new Adam(net, AdamConfig.adam(1e-3f));
                Throwable thrown = closeWhileRunning(() -> {
                    net.zeroGrad();
                    net.forward(x, y);
                    net.backward();
                    opt.step();
                }, net);
                assertClosedError(thrown);
                assertThrows(IllegalStateException.class, () -> net.forward(x, y), "forward after close");
                assertThrows(IllegalStateException.class, net::backward, "backward after close");
                assertThrows(IllegalStateException.class, net::zeroGrad, "zeroGrad after close");
                assertThrows(IllegalStateException.class, opt::step, "a step on a closed network's parameters");
                opt.close();
            }
        }
        assertEquals(before, Pointer.totalBytes(), "every byte freed, those in use at the close included");
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void closingAnOptimizerWhileAnotherThreadStepsIt(String name) throws Exception {
        Backend b = Backend.named(name);
        int[] sizes = name.equals("native") ? new int[] {1024, 1024, 10} : new int[] {256, 256, 10};
        long before = Pointer.totalBytes();
        for (int round = 0; round < ROUNDS; round++) {
            try (Network net = Network.mlp(b, sizes, Activation.RELU, Loss.CROSS_ENTROPY, round)) {
                Optimizer opt = new Adam(net, AdamConfig.adam(1e-3f).withAmsgrad(true));
                assertClosedError(closeWhileRunning(opt::step, opt));
                assertThrows(IllegalStateException.class, opt::step, "step after close");
            }
        }
        assertEquals(before, Pointer.totalBytes(), "every byte freed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void closingATensorWhileAnotherThreadMultipliesIt(String name) throws Exception {
        Backend b = Backend.named(name);
        int n = name.equals("native") ? 768 : 160;
        long before = Pointer.totalBytes();
        for (int round = 0; round < ROUNDS; round++) {
            try (Tensor a = Tensor.allocate(n, n).fill(0.25f); Tensor c = Tensor.allocate(n, n)) {
                Tensor w = Tensor.allocate(n, n).fill(0.5f);
                assertClosedError(closeWhileRunning(() -> b.gemm(c, a, Transpose.NO, w, Transpose.YES, 1f, 0f), w));
                assertThrows(IllegalStateException.class, () -> b.gemm(c, a, Transpose.NO, w, Transpose.NO, 1f, 0f));
                assertThrows(IllegalStateException.class, () -> b.sumOfSquares(w));
                assertThrows(IllegalStateException.class, () -> w.copyFrom(a));
                assertThrows(IllegalStateException.class, () -> a.copyFrom(w));
                assertEquals(0.25f * 0.5f * n, c.get(0), 0f, "the products before the close were whole");
            }
        }
        assertEquals(before, Pointer.totalBytes(), "every byte freed");
    }

    /** Runs {@code work} on another thread until it throws; closes {@code target} once it ran twice. */
    static Throwable closeWhileRunning(Runnable work, AutoCloseable target) throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                for (;;) {
                    work.run();
                    runs.incrementAndGet();
                }
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "worker");
        worker.start();
        while (runs.get() < 2 && worker.isAlive()) {
            Thread.sleep(1);
        }
        target.close();
        worker.join(120_000);
        assertFalse(worker.isAlive(), "the worker stopped after the close");
        return thrown.get();
    }

    static void assertClosedError(Throwable t) {
        assertInstanceOf(IllegalStateException.class, t, "the worker's error");
        assertTrue(t.getMessage().contains("closed"), t.getMessage());
    }
}
