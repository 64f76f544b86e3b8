// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.backend.Backend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One network served from 4 threads, a {@link Predictor} each: every prediction, single rows and
 * batches, equals the single-threaded one bit for bit (it was 7 to 48 wrong classes in 2,000 with four
 * threads calling Network.predict, silently). Tagged "blas": it runs under every OpenBLAS kernel.
 */
@Tag("blas")
class ConcurrentPredictionTest {
    private static final int THREADS = 4;
    private static final int INPUTS = 2_000;
    private static final int ROUNDS = 2;
    private static final int BATCH = 50;

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void fourThreadsGiveTheSingleThreadedPredictionsBitForBit(String name) throws Exception {
        int[] sizes = name.equals("native") ? new int[] {784, 128, 10} : new int[] {64, 32, 10};
        SplittableRandom r = new SplittableRandom(8);
        float[][] xs = new float[INPUTS][sizes[0]];
        for (float[] x : xs) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
        }
        try (Network net = Network.mlp(Backend.named(name), sizes, Activation.RELU, Loss.CROSS_ENTROPY, 8)) {
            float[][] single = new float[INPUTS][];
            float[][] batched = new float[INPUTS][];
            try (Predictor p = net.predictor()) {
                for (int i = 0; i < INPUTS; i++) {
                    single[i] = p.predict(xs[i]);
                }
                for (int first = 0; first < INPUTS; first += BATCH) {
                    float[][] out = p.predict(Arrays.copyOfRange(xs, first, first + BATCH));
                    System.arraycopy(out, 0, batched, first, BATCH);
                }
            }
            AtomicInteger compared = new AtomicInteger();
            AtomicInteger differing = new AtomicInteger();
            AtomicReference<Throwable> error = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t * INPUTS / THREADS;   // each thread its own order, so that they mix inputs
                threads.add(new Thread(() -> {
                    try (Predictor p = net.predictor()) {
                        start.await();
                        for (int round = 0; round < ROUNDS; round++) {
                            for (int j = 0; j < INPUTS; j++) {
                                int i = (offset + j) % INPUTS;
                                count(p.predict(xs[i]), single[i], compared, differing);
                            }
                            for (int b = 0; b < INPUTS / BATCH; b++) {
                                int first = ((offset / BATCH + b) % (INPUTS / BATCH)) * BATCH;
                                float[][] out = p.predict(Arrays.copyOfRange(xs, first, first + BATCH));
                                for (int k = 0; k < BATCH; k++) {
                                    count(out[k], batched[first + k], compared, differing);
                                }
                            }
                        }
                    } catch (Throwable e) {
                        error.compareAndSet(null, e);
                    }
                }, "predictor-" + t));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join(120_000);
                assertFalse(t.isAlive());
            }
            assertNull(error.get());
            assertEquals(THREADS * ROUNDS * 2 * INPUTS, compared.get(), "predictions compared");
            assertEquals(0, differing.get(), "predictions that differ from the single-threaded ones in any bit");
        }
    }

    private static void count(float[] got, float[] want, AtomicInteger compared, AtomicInteger differing) {
        compared.incrementAndGet();
        for (int c = 0; c < want.length; c++) {
            if (Float.floatToRawIntBits(got[c]) != Float.floatToRawIntBits(want[c])) {
                differing.incrementAndGet();
                return;
            }
        }
    }
}
