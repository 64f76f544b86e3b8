// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Tensor;
import dev.gradus.Threads;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.jni.NativeInfo;
import dev.gradus.backend.jni.PoolThresholds;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** The native library must load wherever tests run: this test never skips. */
@Tag("blas")
class NativeLibraryTest {

    @Test
    void loadsAndReportsWhatRuns() {
        NativeInfo info = NativeBackend.info();
        System.out.println("[diag] native backend: " + info);
        assertTrue(Set.of("avx512", "avx2", "baseline").contains(info.isa()), info.isa());
        assertTrue(info.blasConfig().startsWith("OpenBLAS"), info.blasConfig());
        assertEquals(Threads.get(), info.kernelThreads());
        assertEquals(1, info.blasThreads(), "OpenBLAS runs single-threaded inside the pool's GEMM blocks");
    }

    @Test
    void threadBudgetSizesThePoolAndKeepsOpenBlasSingleThreaded() {
        int before = Threads.get();
        try {
            Threads.set(1);
            NativeInfo one = NativeBackend.info();
            assertEquals(1, one.kernelThreads());
            assertEquals(1, one.blasThreads());
            Threads.set(2);
            NativeInfo two = NativeBackend.info();
            assertEquals(2, two.kernelThreads());
            assertEquals(1, two.blasThreads(), "one pool: OpenBLAS never gets threads of its own");
        } finally {
            Threads.set(before);
        }
    }

    /**
     * Splitting over the pool changes nothing: a call is cut into pieces by its size alone, so every
     * result, reductions included, is identical for 1 and 3 threads (here with every call split).
     */
    @Test
    void threadCountDoesNotChangeResults() {
        Backend b = new NativeBackend();
        int before = Threads.get();
        long threshold = PoolThresholds.parallel();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        try (Tensor x = Agreement.uniform(rnd, 97, 75, -4, 4); Tensor bias = Agreement.uniform(rnd, 1, 75, -1, 1);
             Tensor t = Agreement.uniform(rnd, 97, 75, -4, 4); Tensor d = Agreement.uniform(rnd, 97, 75, -1, 1);
             Tensor x1 = Agreement.copy(x); Tensor y1 = Tensor.allocate(97, 75); Tensor g1 = Tensor.allocate(97, 75);
             Tensor db1 = Tensor.allocate(1, 75);
             Tensor x3 = Agreement.copy(x); Tensor y3 = Tensor.allocate(97, 75); Tensor g3 = Tensor.allocate(97, 75);
             Tensor db3 = Tensor.allocate(1, 75)) {
            PoolThresholds.setParallel(64);   // split even these small calls, into many pieces
            Threads.set(1);
            b.activationForward(Activation.GELU, y1, x1, bias);
            b.activationBackward(Activation.GELU, g1, d, x1, y1, db1);
            float loss1 = b.lossForward(dev.gradus.Loss.huber(1f), x, t);
            double sq1 = b.sumOfSquares(x);
            Threads.set(3);
            b.activationForward(Activation.GELU, y3, x3, bias);
            b.activationBackward(Activation.GELU, g3, d, x3, y3, db3);
            Agreement.identical("gelu forward, 3 threads vs 1", y3, y1);
            Agreement.identical("gelu backward, 3 threads vs 1", g3, g1);
            Agreement.identical("dbias, 3 threads vs 1", db3, db1);
            assertEquals(loss1, b.lossForward(dev.gradus.Loss.huber(1f), x, t), 0f, "loss, 3 threads vs 1");
            assertEquals(sq1, b.sumOfSquares(x), 0.0, "sum of squares, 3 threads vs 1");
            for (int i = 0; i < 200; i++) {   // many dispatches in a row: no piece lost, none run twice
                assertEquals(sq1, b.sumOfSquares(x), 0.0, "sum of squares, repeat " + i);
            }
        } finally {
            PoolThresholds.setParallel(threshold);
            Threads.set(before);
        }
    }

    /**
     * A GEMM's blocks depend on its shape alone, so its result is the same for every thread count, on
     * every OpenBLAS kernel: every transpose, splits along rows (M > N) and columns (N >= M), beta = 1.
     * (Whether a split equals one unsplit call is a property of the BLAS kernel, not promised: the
     * Haswell kernel rounds block edges differently.) With the default threshold, network A's products
     * are split (the weight gradient by rows), skinny ones in blocks small enough for OpenBLAS's unpacked
     * path, and the small ones run in turn on the caller: the same.
     */
    @Test
    void gemmIsTheSameForEveryThreadCount() {
        long threshold = PoolThresholds.gemm();
        try {
            PoolThresholds.setGemm(0);   // split every product
            gemmSameForEveryThreadCount(new int[][] {{83, 37, 29}, {37, 83, 29}, {130, 70, 300}});
            PoolThresholds.setGemm(threshold);
            gemmSameForEveryThreadCount(new int[][] {{32, 128, 784}, {128, 784, 32}, {256, 10, 1024}, {10, 1024, 256},
                {256, 1024, 10}});
        } finally {
            PoolThresholds.setGemm(threshold);
        }
    }

    private static void gemmSameForEveryThreadCount(int[][] shapes) {
        Backend b = new NativeBackend();
        int before = Threads.get();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        try {
            for (int[] mnk : shapes) {
                int m = mnk[0], n = mnk[1], k = mnk[2];
                for (Transpose ta : Transpose.values()) {
                    for (Transpose tb : Transpose.values()) {
                        try (Tensor a = ta == Transpose.NO ? Agreement.uniform(rnd, m, k, -1, 1) : Agreement.uniform(rnd, k, m, -1, 1);
                             Tensor bm = tb == Transpose.NO ? Agreement.uniform(rnd, k, n, -1, 1) : Agreement.uniform(rnd, n, k, -1, 1);
                             Tensor c0 = Agreement.uniform(rnd, m, n, -1, 1); Tensor one = Agreement.copy(c0)) {
                            Threads.set(1);
                            b.gemm(one, a, ta, bm, tb, 0.5f, 1f);
                            for (int threads : new int[] {2, 3, 4, 8}) {
                                try (Tensor more = Agreement.copy(c0)) {
                                    Threads.set(threads);
                                    b.gemm(more, a, ta, bm, tb, 0.5f, 1f);
                                    Agreement.identical("gemm " + m + "x" + n + "x" + k + " " + ta + tb + ", " + threads
                                            + " threads vs 1", more, one);
                                }
                            }
                        }
                    }
                }
            }
        } finally {
            Threads.set(before);
        }
    }

    /**
     * Convolution and pooling split a batch by its shape alone (groups of samples, at most 4 slots;
     * planes or samples), so 1, 2, 3, 4 and 8 threads give the same bits, the weight gradient's sum
     * over slots included.
     */
    @Test
    void convolutionAndPoolingAreTheSameForEveryThreadCount() {
        // the direct kernels (stride 1), and im2col + GEMM
        sameForEveryThreadCount(new Window2d(3, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1), 8, 100);
        sameForEveryThreadCount(new Window2d(20, 16, 16, 3, 3, 2, 2, 1, 1, 1, 1), 8, 100);
        sameForEveryThreadCount(new Window2d(4, 120, 120, 3, 3, 1, 1, 1, 1, 1, 1), 8, 9);   // a group per sample
        sameForEveryThreadCount(new Window2d(5, 20, 20, 3, 3, 2, 2, 0, 0, 1, 1), 40, 60);  // the transposed forward
        sameForEveryThreadCount(new Window2d(8, 60, 60, 3, 3, 1, 1, 0, 0, 1, 1), 64, 5);   // direct, a group per sample
    }

    private static void sameForEveryThreadCount(Window2d g, int oc, int n) {
        Window2d p = new Window2d(g.channels(), g.height(), g.width(), 2, 2, 2, 2, 0, 0, 1, 1);
        Backend b = new NativeBackend();
        int before = Threads.get();
        long threshold = PoolThresholds.parallel();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
        int out = oc * g.outPlane();
        try (Tensor x = Agreement.uniform(rnd, n, g.inSize(), -1, 1); Tensor w = Agreement.uniform(rnd, oc, g.patchSize(), -1, 1);
             Tensor bias = Agreement.uniform(rnd, 1, oc, -1, 1); Tensor dy = Agreement.uniform(rnd, n, out, -1, 1);
             Tensor cols = Tensor.allocate(1, (int) g.convScratch(oc, n))) {
            PoolThresholds.setParallel(1 << 10);   // split pooling too
            assertTrue(g.convSlots(oc, n) >= 3, "the case runs several slots: " + g.convSlots(oc, n));
            float[][] first = null;
            for (int threads : new int[] {1, 2, 3, 4, 8}) {
                Threads.set(threads);
                try (Tensor y = Tensor.allocate(n, out); Tensor dx = Tensor.allocate(n, g.inSize());
                     Tensor dw = Tensor.allocate(oc, g.patchSize()); Tensor db = Tensor.allocate(1, oc);
                     Tensor py = Tensor.allocate(n, p.channels() * p.outPlane()); Tensor arg = Tensor.allocate(n, p.channels() * p.outPlane());
                     Tensor pdx = Tensor.allocate(n, g.inSize())) {
                    b.conv2dForward(y, x, w, bias, cols, g);
                    b.conv2dBackwardInput(dx, dy, w, cols, g);
                    b.conv2dBackwardWeight(dw, db, dy, x, cols, g);
                    b.maxPool2dForward(py, arg, x, p);
                    b.maxPool2dBackward(pdx, py, arg, p);
                    float[][] now = {y.toArray(), dx.toArray(), dw.toArray(), db.toArray(), py.toArray(), pdx.toArray()};
                    if (first == null) {
                        first = now;
                    } else {
                        String[] what = {"conv forward", "conv input gradient", "conv weight gradient", "conv bias gradient",
                                "maxpool forward", "maxpool backward"};
                        for (int k = 0; k < now.length; k++) {
                            assertTrue(java.util.Arrays.equals(first[k], now[k]), what[k] + ": " + threads + " threads differ from 1");
                        }
                    }
                }
            }
        } finally {
            PoolThresholds.setParallel(threshold);
            Threads.set(before);
        }
    }

    /**
     * Subnormals: flushed by default (a subnormal momentum decays to exactly 0 instead of sticking at
     * the smallest subnormal), kept on request, bit-identical to the Java reference then.
     */
    @Test
    void subnormalsAreFlushedByDefaultAndKeptOnRequest() {
        Backend nb = new NativeBackend();
        Backend ref = new dev.gradus.backend.reference.ReferenceBackend();
        dev.gradus.optim.SgdConfig c = dev.gradus.optim.SgdConfig.of(0.1f).withMomentum(0.9f);
        float tiny = Float.MIN_VALUE * 3;   // 3 ulps above zero: 0.9 * 3 ulps rounds back to 3 ulps in IEEE
        assertTrue(NativeBackend.info().flushDenormals(), "flushing is the default");
        try (Tensor p = Tensor.of(1, 2, 1f, 1f); Tensor g = Tensor.allocate(1, 2); Tensor m = Tensor.of(1, 2, tiny, 1e-30f);
             Tensor pr = Tensor.of(1, 2, 1f, 1f); Tensor mr = Tensor.of(1, 2, tiny, 1e-30f)) {
            nb.sgdUpdate(p, g, m, c, 0.1f, 2);
            assertEquals(0f, m.get(0), "a subnormal momentum is flushed to zero");
            assertEquals(1e-30f * 0.9f, m.get(1), "normal values are untouched");
            NativeBackend.setFlushDenormals(false);
            m.copyFrom(new float[] {tiny, 1e-30f});
            nb.sgdUpdate(p, g, m, c, 0.1f, 2);
            ref.sgdUpdate(pr, g, mr, c, 0.1f, 2);
            assertEquals(tiny, m.get(0), "IEEE: 0.9 x 3 ulps rounds back to 3 ulps");
            Agreement.identical("kept subnormals, native vs reference", m, mr);
            NativeBackend.setFlushDenormals(true);
            nb.sgdUpdate(p, g, m, c, 0.1f, 3);   // flushes inside the kernel ...
            float sub = mr.get(0);               // ... but this thread's own arithmetic stays IEEE (mode restored)
            assertTrue(sub * 0.9f > 0f, "Java float arithmetic on the calling thread still keeps subnormals");
        } finally {
            NativeBackend.setFlushDenormals(true);
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
