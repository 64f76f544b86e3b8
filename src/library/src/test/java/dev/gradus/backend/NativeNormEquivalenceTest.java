// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Tensor;
import dev.gradus.Threads;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.jni.PoolThresholds;
import dev.gradus.backend.reference.ReferenceBackend;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NativeBackend's batchnorm and layernorm ≡ the reference's loops, bit for bit: both sum every
 * statistic in double in the same order and evaluate the same double expressions (the C++ without
 * FMA contraction), rounding to float only at the end, so the expected tolerance is zero. The native
 * side runs on one thread and split into small pieces over two, which must not change a bit either.
 * Shapes: 1, 3 and 17 channels, batch 1 and 2, non-square planes, BatchNorm1d (plane 1) and 2d.
 */
class NativeNormEquivalenceTest {
    static final Backend NATIVE = new NativeBackend();
    static final Backend REFERENCE = new ReferenceBackend();

    /** {N, C, S}: S = H·W (1 for BatchNorm1d). */
    static Stream<Arguments> batchNorms() {
        return Stream.of(
                new int[] {2, 3, 1},        // BatchNorm1d, batch 2
                new int[] {5, 17, 1},       // BatchNorm1d, 17 features
                new int[] {7, 1, 1},        // BatchNorm1d, one feature
                new int[] {2, 3, 5 * 7},    // BatchNorm2d, non-square 5×7
                new int[] {1, 17, 2 * 3},   // batch 1: the plane gives more than one value per channel
                new int[] {3, 1, 9 * 4})    // one channel
                .map(Arguments::of);
    }

    /** {N, K, D}: each row K groups of D values (LayerNorm over the trailing D). */
    static Stream<Arguments> layerNorms() {
        return Stream.of(
                new int[] {1, 1, 6},        // one sample, [F]
                new int[] {2, 1, 3 * 5 * 5},// [C, H, W]
                new int[] {2, 3, 4 * 7},    // [H, W] of 3 channels, non-square
                new int[] {3, 17 * 2, 5},   // [W] of 17 channels × 2 rows
                new int[] {2, 1, 1})        // one value: x̂ = 0
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchNorms")
    void batchNormAgreesBitForBit(int[] s) {
        int n = s[0], c = s[1], plane = s[2], cols = c * plane;
        for (boolean training : new boolean[] {true, false}) {
            String at = "batchnorm N=" + n + " C=" + c + " S=" + plane + (training ? " training" : " eval");
            SplittableRandom rnd = new SplittableRandom(31 * n + c + plane);
            try (Tensor x = Agreement.uniform(rnd, n, cols, -2, 3);
                 Tensor gamma = Agreement.uniform(rnd, 1, c, 0.5, 1.5);
                 Tensor beta = Agreement.uniform(rnd, 1, c, -1, 1);
                 Tensor mean0 = Agreement.uniform(rnd, 1, c, -0.5, 0.5);
                 Tensor var0 = Agreement.uniform(rnd, 1, c, 0.5, 2);
                 Tensor dy = Agreement.uniform(rnd, n, cols, -1, 1);
                 Tensor dg0 = Agreement.uniform(rnd, 1, c, -1, 1);
                 Tensor db0 = Agreement.uniform(rnd, 1, c, -1, 1)) {
                Result want = batchNorm(REFERENCE, x, gamma, beta, mean0, var0, dy, dg0, db0, training);
                for (int threads : new int[] {1, 2}) {
                    Result got = split(threads, () -> batchNorm(NATIVE, x, gamma, beta, mean0, var0, dy, dg0, db0, training));
                    want.assertIdentical(at + ", " + threads + " thread(s)", got);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layerNorms")
    void layerNormAgreesBitForBit(int[] s) {
        int n = s[0], k = s[1], d = s[2], cols = k * d;
        String at = "layernorm N=" + n + " K=" + k + " D=" + d;
        SplittableRandom rnd = new SplittableRandom(17 * n + k + d);
        try (Tensor x = Agreement.uniform(rnd, n, cols, -2, 3);
             Tensor gamma = Agreement.uniform(rnd, 1, d, 0.5, 1.5);
             Tensor beta = Agreement.uniform(rnd, 1, d, -1, 1);
             Tensor dy = Agreement.uniform(rnd, n, cols, -1, 1);
             Tensor dg0 = Agreement.uniform(rnd, 1, d, -1, 1);
             Tensor db0 = Agreement.uniform(rnd, 1, d, -1, 1)) {
            Result want = layerNorm(REFERENCE, x, gamma, beta, dy, dg0, db0, n * k);
            for (int threads : new int[] {1, 2}) {
                Result got = split(threads, () -> layerNorm(NATIVE, x, gamma, beta, dy, dg0, db0, n * k));
                want.assertIdentical(at + ", " + threads + " thread(s)", got);
            }
        }
    }

    /** Every output of one forward and two backwards (with and without the input gradient), as arrays. */
    private record Result(float[][] outputs) {
        void assertIdentical(String at, Result got) {
            String[] names = {"output", "stats", "running_mean", "running_var", "dinp", "dgamma", "dbeta",
                    "dgamma without dinp", "dbeta without dinp"};
            for (int i = 0; i < outputs.length; i++) {
                float[] w = outputs[i];
                float[] g = got.outputs[i];
                for (int j = 0; j < w.length; j++) {
                    if (Float.floatToIntBits(w[j]) != Float.floatToIntBits(g[j])) {
                        throw new AssertionError(at + ": " + names[i] + "[" + j + "] native " + g[j] + ", reference " + w[j]);
                    }
                }
            }
        }
    }

    private static Result batchNorm(Backend b, Tensor x, Tensor gamma, Tensor beta, Tensor mean0, Tensor var0,
                                    Tensor dy, Tensor dg0, Tensor db0, boolean training) {
        int c = gamma.size();
        try (Tensor y = Tensor.allocate(x.rows(), x.cols()); Tensor stats = Tensor.allocate(2, c);
             Tensor mean = Agreement.copy(mean0); Tensor var = Agreement.copy(var0);
             Tensor dx = Tensor.allocate(x.rows(), x.cols());
             Tensor dg = Agreement.copy(dg0); Tensor db = Agreement.copy(db0);
             Tensor dg2 = Agreement.copy(dg0); Tensor db2 = Agreement.copy(db0)) {
            y.fill(Float.NaN);   // every output is written
            dx.fill(Float.NaN);
            b.batchNormForward(y, stats, mean, var, x, gamma, beta, 1e-5, 0.1, training);
            b.batchNormBackward(dx, dg, db, dy, x, stats, gamma, training);
            b.batchNormBackward(null, dg2, db2, dy, x, stats, gamma, training);
            if (!training) {
                Agreement.identical("eval leaves running_mean", mean, mean0);
                Agreement.identical("eval leaves running_var", var, var0);
            }
            return new Result(new float[][] {y.toArray(), stats.toArray(), mean.toArray(), var.toArray(), dx.toArray(),
                    dg.toArray(), db.toArray(), dg2.toArray(), db2.toArray()});
        }
    }

    private static Result layerNorm(Backend b, Tensor x, Tensor gamma, Tensor beta, Tensor dy, Tensor dg0, Tensor db0,
                                    int groups) {
        try (Tensor y = Tensor.allocate(x.rows(), x.cols()); Tensor stats = Tensor.allocate(2, groups);
             Tensor dx = Tensor.allocate(x.rows(), x.cols());
             Tensor dg = Agreement.copy(dg0); Tensor db = Agreement.copy(db0);
             Tensor dg2 = Agreement.copy(dg0); Tensor db2 = Agreement.copy(db0)) {
            y.fill(Float.NaN);
            dx.fill(Float.NaN);
            b.layerNormForward(y, stats, x, gamma, beta, 1e-5);
            b.layerNormBackward(dx, dg, db, dy, x, stats, gamma);
            b.layerNormBackward(null, dg2, db2, dy, x, stats, gamma);
            return new Result(new float[][] {y.toArray(), stats.toArray(), new float[0], new float[0], dx.toArray(),
                    dg.toArray(), db.toArray(), dg2.toArray(), db2.toArray()});
        }
    }

    /** Runs {@code r} on the native pool with {@code threads}, splitting calls of 8 elements or more. */
    private static Result split(int threads, java.util.function.Supplier<Result> r) {
        NativeBackend.load();
        int savedThreads = Threads.get();
        long savedThreshold = PoolThresholds.parallel();
        Threads.set(threads);
        PoolThresholds.setParallel(8);
        try {
            return r.get();
        } finally {
            PoolThresholds.setParallel(savedThreshold);
            Threads.set(savedThreads);
        }
    }

    /** PyTorch's rule and the shapes, checked in Java before any native call, on both backends. */
    @Test
    void badInputIsRefusedNamingWhatIsWrong() {
        for (Backend b : new Backend[] {NATIVE, REFERENCE}) {
            try (Tensor x = Tensor.allocate(1, 6); Tensor y = Tensor.allocate(1, 6); Tensor stats = Tensor.allocate(2, 3);
                 Tensor gamma = Tensor.allocate(1, 3); Tensor beta = Tensor.allocate(1, 3);
                 Tensor mean = Tensor.allocate(1, 3); Tensor var = Tensor.allocate(1, 3);
                 Tensor gamma4 = Tensor.allocate(1, 4); Tensor x3 = Tensor.allocate(1, 3); Tensor y3 = Tensor.allocate(1, 3)) {
                b.batchNormForward(y, stats, mean, var, x, gamma, beta, 1e-5, 0.1, true);   // 2 values per channel
                expect("expected more than 1 value per channel when training, got input[1, 3]",
                        () -> b.batchNormForward(y3, stats, mean, var, x3, gamma, beta, 1e-5, 0.1, true));
                b.batchNormForward(y3, stats, mean, var, x3, gamma, beta, 1e-5, 0.1, false);   // eval mode takes it
                expect("input[1, 6] does not hold 4 channels per sample",
                        () -> b.batchNormForward(y, stats, mean, var, x, gamma4, beta, 1e-5, 0.1, true));
                expect("stats[1, 6] must be [2, 3]",
                        () -> b.batchNormForward(y, y, mean, var, x, gamma, beta, 1e-5, 0.1, true));
                expect("running_var[1, 4] must hold 3 values",
                        () -> b.batchNormForward(y, stats, mean, gamma4, x, gamma, beta, 1e-5, 0.1, true));
                expect("input[1, 6] rows are not groups of 4 values",
                        () -> b.layerNormForward(y, stats, x, gamma4, gamma4, 1e-5));
                expect("stats[2, 3] must be [2, 2]", () -> b.layerNormForward(y, stats, x, gamma, beta, 1e-5));
                expect("dgamma[1, 4] must hold 3 values",
                        () -> b.batchNormBackward(null, gamma4, beta, y, x, stats, gamma, true));
            }
        }
    }

    private static void expect(String message, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), "'" + message + "' in: " + e.getMessage());
    }
}
