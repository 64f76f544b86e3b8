// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.gradus.optim.Sgd;
import dev.gradus.optim.SgdConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * One network trained from two threads at once is an IllegalStateException naming both calls and
 * threads, never a corrupted model: it was {@code malloc(): unsorted double linked list corrupted}
 * (3 of 5 runs), the workspace cache evicting and freeing buffers the other thread computed in.
 * The training path (forward, backward, zeroGrad, predict, an optimizer's step) claims the
 * parameters for its length.
 */
class ConcurrentTrainingTest {

    /** Blocks the first gemm on the thread named "trainer" until released: a pass held mid-way. */
    private static final class Holding extends NoOpBackend {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void gemm(Tensor c, Tensor a, Transpose transA, Tensor b, Transpose transB, float alpha, float beta) {
            super.gemm(c, a, transA, b, transB, alpha, beta);
            if (Thread.currentThread().getName().equals("trainer") && inside.getCount() > 0) {
                inside.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void everyTrainingCallDuringAnotherThreadsForwardIsAClearError() throws Exception {
        Holding b = new Holding();
        try (Network net = Network.mlp(b, new int[] {4, 8, 3}, Activation.RELU, Loss.CROSS_ENTROPY, 1);
             Optimizer opt = new Sgd(net, SgdConfig.of(0.1f));
             Tensor x = Tensor.allocate(5, 4);
             Labels y = Labels.allocate(5)) {
            AtomicReference<Throwable> trainerError = new AtomicReference<>();
            Thread trainer = new Thread(() -> {
                try {
                    net.forward(x, y);
                } catch (Throwable t) {
                    trainerError.set(t);
                }
            }, "trainer");
            trainer.start();
            assertTrue(b.inside.await(30, TimeUnit.SECONDS), "the trainer reached its first gemm");
            try {
                assertConflict(() -> net.forward(x, y), "Network.forward");
                assertConflict(net::backward, "Network.backward");
                assertConflict(net::zeroGrad, "Network.zeroGrad");
                assertConflict(() -> net.predict(x), "Network.predict");
                assertConflict(opt::step, "Optimizer.step");
            } finally {
                b.release.countDown();
            }
            trainer.join(30_000);
            assertFalse(trainer.isAlive());
            assertNull(trainerError.get(), "the pass that held the claim completes normally");
            // the refused calls left nothing behind: this thread trains now
            net.backward();
            opt.step();
            net.zeroGrad();
            net.forward(x, y);
        }
    }

    private static void assertConflict(Executable call, String operation) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call, operation);
        String m = e.getMessage();
        assertTrue(m.startsWith(operation + " on thread '" + Thread.currentThread().getName() + "'"), m);
        assertTrue(m.contains("thread 'trainer' is in Network.forward on the same parameters"), m);
    }

    @Test
    void twoThreadsTrainingOneNativeNetworkGetClearErrorsNeverACorruptedHeap() throws Exception {
        Backend b = Backend.named("native");
        long before = Pointer.totalBytes();
        int[] sizes = {64, 128, 10};
        try (Network net = Network.mlp(b, sizes, Activation.RELU, Loss.CROSS_ENTROPY, 7);
             Optimizer opt = new Adam(net, AdamConfig.adam(1e-3f))) {
            AtomicInteger conflicts = new AtomicInteger();
            AtomicInteger steps = new AtomicInteger();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                // each thread its own batch size, so that without the claim the workspace cache evicts
                // and frees buffers the other thread computes in
                int batch = 16 + 8 * t;
                threads.add(new Thread(() -> {
                    try (Tensor x = Tensor.allocate(batch, sizes[0]).fill(0.5f); Labels y = Labels.allocate(batch)) {
                        while ((conflicts.get() < 200 || steps.get() < 200) && System.nanoTime() < deadline) {
                            try {
                                net.zeroGrad();
                                net.forward(x, y);
                                net.backward();
                                opt.step();
                                steps.incrementAndGet();
                            } catch (IllegalStateException e) {
                                if (!e.getMessage().contains("on the same parameters")
                                        && !e.getMessage().startsWith("backward() needs a forward")) {
                                    throw e;
                                }
                                conflicts.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        unexpected.compareAndSet(null, e);
                    }
                }, "trainer-" + t));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(60_000);
                assertFalse(t.isAlive());
            }
            assertNull(unexpected.get(), () -> "only the claim's error: " + unexpected.get());
            assertTrue(conflicts.get() > 0, "the two threads met (" + steps.get() + " steps)");
            try (Tensor x = Tensor.allocate(8, sizes[0]).fill(0.5f); Labels y = Labels.allocate(8)) {
                net.zeroGrad();
                float loss = net.forward(x, y);
                net.backward();
                opt.step();
                assertTrue(Float.isFinite(loss), "the network still trains: loss " + loss);
                assertEquals(null, net.firstNonFiniteParameter(), "no parameter corrupted");
            }
        }
        assertTrue(Pointer.totalBytes() <= before, "every byte freed (a GC may free others' leftovers meanwhile)");
    }
}
