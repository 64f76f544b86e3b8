// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Transpose;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Predictor: what each loss's predictions are, its errors, and its lifetime against other threads. */
class PredictorTest {

    private static float[] row(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(-2, 2);
        }
        return x;
    }

    /** The network's own output for one row, through the Tensor API. */
    private static float[] logits(Network net, float[] x) {
        try (Tensor t = Tensor.of(1, x.length, x)) {
            return net.predict(t).toArray();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void crossEntropyGivesTheSoftmaxAndTheClassByName(String backend) {
        SplittableRandom r = new SplittableRandom(3);
        try (Network net = Network.mlp(Backend.named(backend), new int[] {5, 16, 3}, Activation.TANH, Loss.CROSS_ENTROPY, 11);
             Predictor p = net.predictor(List.of("red", "green", "blue"))) {
            for (int i = 0; i < 50; i++) {
                float[] x = row(r, 5);
                float[] z = logits(net, x);
                float[] probs = p.predict(x);
                double max = Math.max(z[0], Math.max(z[1], z[2]));
                double sum = 0;
                for (float v : z) {
                    sum += Math.exp(v - max);
                }
                float total = 0;
                int best = 0;
                for (int c = 0; c < 3; c++) {
                    assertEquals(Math.exp(z[c] - max) / sum, probs[c], 1e-6, "softmax of the logits");
                    total += probs[c];
                    best = z[c] > z[best] ? c : best;
                }
                assertEquals(1f, total, 1e-6f);
                assertEquals(best, p.predictClassIndex(x), "the argmax of the logits");
                assertEquals(List.of("red", "green", "blue").get(best), p.predictClass(x));
                float[] into = new float[3];
                p.predictInto(x, into);
                assertArrayEquals(probs, into, 0f, "predictInto writes what predict returns");
            }
        }
    }

    @Test
    void bceWithLogitsGivesTheSigmoidRegressionTheOutputs() {
        SplittableRandom r = new SplittableRandom(4);
        Backend b = Backend.named("native");
        try (Network bin = Network.mlp(b, new int[] {3, 8, 1}, Activation.RELU, Loss.BCE_WITH_LOGITS, 2);
             Network reg = Network.mlp(b, new int[] {3, 8, 2}, Activation.RELU, Loss.MSE, 2);
             Predictor pb = bin.predictor(List.of("no", "yes"));
             Predictor pr = reg.predictor()) {
            for (int i = 0; i < 50; i++) {
                float[] x = row(r, 3);
                double z = logits(bin, x)[0];
                float prob = pb.predict(x)[0];
                assertEquals(1 / (1 + Math.exp(-z)), prob, 1e-7);
                assertEquals(prob >= 0.5f ? "yes" : "no", pb.predictClass(x));
                assertArrayEquals(logits(reg, x), pr.predict(x), 0f, "a regression's outputs as they are");
            }
            assertFalse(pr.isClassifier());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pr.predictClass(new float[3]));
            assertTrue(e.getMessage().contains("regression"), e.getMessage());
        }
    }

    @Test
    void aBatchIsOneForwardPass() {
        SplittableRandom r = new SplittableRandom(5);
        try (Network net = Network.mlp(Backend.named("java"), new int[] {4, 8, 3}, Activation.RELU, Loss.CROSS_ENTROPY, 1);
             Predictor p = net.predictor()) {
            float[][] xs = new float[7][];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = row(r, 4);
            }
            float[][] batch = p.predict(xs);
            float[][] into = new float[xs.length][3];
            p.predictInto(xs, into);
            for (int i = 0; i < xs.length; i++) {
                // the Java backend's sums run in a fixed order per element: equal to row by row
                assertArrayEquals(p.predict(xs[i]), batch[i], 0f, "row " + i);
                assertArrayEquals(batch[i], into[i], 0f, "row " + i + " into a buffer");
            }
            assertNull(p.classNames());
            assertEquals(String.valueOf(p.predictClassIndex(xs[0])), p.predictClass(xs[0]), "no names: the index");
        }
    }

    @Test
    void badArgumentsNameWhatIsWrong() {
        try (Network net = Network.mlp(Backend.named("java"), new int[] {4, 8, 3}, Activation.RELU, Loss.CROSS_ENTROPY, 1);
             Network reg = Network.mlp(Backend.named("java"), new int[] {4, 1}, Activation.RELU, Loss.MSE, 1);
             Predictor p = net.predictor()) {
            assertMessage(() -> p.predict(new float[5]), "input has 5 values, the network needs 4");
            assertMessage(() -> p.predict((float[]) null), "input has no values (null)");
            assertMessage(() -> p.predictInto(new float[4], new float[2]), "output buffer has 2 values, the network needs 3");
            assertMessage(() -> p.predict(new float[][] {new float[4], new float[3]}), "row 1 has 3 values");
            assertMessage(() -> p.predict(new float[0][]), "at least one row");
            assertMessage(() -> p.predictInto(new float[2][4], new float[3][3]), "output buffer has 3 rows for 2 input rows");
            assertMessage(() -> p.predictInto(new float[2][4], new float[][] {new float[3], new float[2]}),
                    "output row 1 has 2 values, the network needs 3");
            assertMessage(() -> net.predictor(List.of("a", "b", "c", "d")), "4 class names for a network with 3 classes");
            assertMessage(() -> reg.predictor(List.of("a")), "regression");
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /** Blocks the first gemm on the thread named "user" until released. */
    private static final class Holding extends NoOpBackend {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void gemm(Tensor c, Tensor a, Transpose transA, Tensor b, Transpose transB, float alpha, float beta) {
            super.gemm(c, a, transA, b, transB, alpha, beta);
            if (Thread.currentThread().getName().equals("user") && inside.getCount() > 0) {
                inside.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Runs {@code p.predict} on thread "user" until it is inside its first gemm. */
    private static Thread predictingOn(Holding b, Predictor p, AtomicReference<Throwable> error) throws InterruptedException {
        Thread user = new Thread(() -> {
            try {
                p.predict(new float[4]);
            } catch (Throwable t) {
                error.set(t);
            }
        }, "user");
        user.start();
        assertTrue(b.inside.await(30, TimeUnit.SECONDS));
        return user;
    }

    @Test
    void onePredictorOnTwoThreadsIsAClearError() throws Exception {
        Holding b = new Holding();
        try (Network net = Network.mlp(b, new int[] {4, 8, 3}, Activation.RELU, Loss.CROSS_ENTROPY, 1);
             Predictor p = net.predictor();
             Predictor own = net.predictor()) {
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread user = predictingOn(b, p, error);
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.predict(new float[4]));
                assertTrue(e.getMessage().contains("while thread 'user' is in it: a predictor is for one thread"), e.getMessage());
                own.predict(new float[4]);   // another predictor of the same network runs meanwhile
            } finally {
                b.release.countDown();
            }
            user.join(30_000);
            assertNull(error.get());
            p.predict(new float[4]);   // free again
        }
    }

    @Test
    void closingThePredictorDuringACallFreesItsBuffersWhenTheCallEnds() throws Exception {
        Holding b = new Holding();
        long before = Pointer.totalBytes();
        try (Network net = Network.mlp(b, new int[] {4, 8, 3}, Activation.RELU, Loss.CROSS_ENTROPY, 1)) {
            long withNet = Pointer.totalBytes();
            Predictor p = net.predictor();
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread user = predictingOn(b, p, error);
            p.close();
            assertTrue(Pointer.totalBytes() > withNet, "the buffers of the call in flight are still there");
            b.release.countDown();
            user.join(30_000);
            assertNull(error.get(), "the call in flight completes on its buffers");
            assertTrue(Pointer.totalBytes() <= withNet, "freed when that call ended (a GC may free others' leftovers meanwhile)");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.predict(new float[4]));
            assertEquals("predictor is closed", e.getMessage());
        }
        assertTrue(Pointer.totalBytes() <= before, "every byte freed (a GC may free others' leftovers meanwhile)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void closingTheNetworkWhilePredictorsRunIsAClearError(String name) throws Exception {
        Backend b = Backend.named(name);
        int[] sizes = name.equals("native") ? new int[] {1024, 2048, 10} : new int[] {256, 256, 10};
        long before = Pointer.totalBytes();
        for (int round = 0; round < 3; round++) {
            Network net = Network.mlp(b, sizes, Activation.RELU, Loss.CROSS_ENTROPY, round);
            try (Predictor p = net.predictor()) {
                float[][] xs = new float[64][sizes[0]];
                Throwable thrown = CloseWhileInUseTest.closeWhileRunning(() -> p.predict(xs), net);
                assertInstanceOf(IllegalStateException.class, thrown);
                assertTrue(thrown.getMessage().startsWith("network is closed"), thrown.getMessage());
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.predict(new float[sizes[0]]));
                assertEquals("network is closed", e.getMessage(), "use after the close");
                assertThrows(IllegalStateException.class, net::predictor);
            }
        }
        assertTrue(Pointer.totalBytes() <= before, "every byte freed (a GC may free others' leftovers meanwhile)");
    }
}
