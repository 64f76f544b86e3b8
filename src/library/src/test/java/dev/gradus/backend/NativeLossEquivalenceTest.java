// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static dev.gradus.backend.Agreement.ULP1;

import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;

/**
 * Native ≡ reference for the losses, the fused softmax cross-entropy and dropout, over the sizes of
 * {@link NativeActivationEquivalenceTest} (large ones cross the thread-pool threshold). The
 * reference computes each element in double; native computes it in float as torch does and sums in
 * double.
 */
@Tag("blas")
class NativeLossEquivalenceTest {
    static final Backend NATIVE = new NativeBackend();
    static final Backend REFERENCE = new ReferenceBackend();

    @BeforeAll
    static void splitLargeCalls() {
        PoolSettings.split();
    }

    @AfterAll
    static void restorePool() {
        PoolSettings.restore();
    }

    static List<int[]> shapes() {
        List<int[]> shapes = NativeActivationEquivalenceTest.shapes();
        shapes.add(new int[] {40000, 10});   // many short rows (cross-entropy splits rows over the pool)
        return shapes;
    }

    static Stream<Arguments> lossCases() {
        List<Arguments> out = new ArrayList<>();
        for (Loss loss : List.of(Loss.MSE, Loss.L1, Loss.huber(0.7f), Loss.BCE, Loss.BCE_WITH_LOGITS)) {
            for (int[] s : shapes()) {
                out.add(Arguments.of(loss, s[0], s[1]));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> shapeCases() {
        return shapes().stream().map(s -> Arguments.of(s[0], s[1]));
    }

    /** {forward rtol, backward atol·n, backward rtol}. */
    static double[] tolerance(Loss loss) {
        return switch (loss.kind()) {
            // forward: p − t is rounded, then squared (2 ulp per element; all terms >= 0, so the mean too);
            // backward: (2/n)·(p − t), three roundings
            case MSE -> new double[] {3 * ULP1, 0, 2 * ULP1};
            // |p − t| and sgn(p − t)/n: one rounding each
            case L1 -> new double[] {ULP1, 0, ULP1};
            case HUBER -> new double[] {3 * ULP1, 0, 2 * ULP1};
            // logf (<= 1 ulp) of p and of the rounded 1 − p, clamped, products: a few ulp per term;
            // backward: four roundings
            case BCE -> new double[] {8 * ULP1, 0, 3 * ULP1};
            // torch's form (1−t)x + m + log(e^−m + e^(−x−m)) adds terms of both signs: cancellation up to
            // |x| <= 5 against losses >= 0.007 costs ~10 ulp; backward: sigmoid(x) − t cancels, 2^-24 absolute
            case BCE_WITH_LOGITS -> new double[] {64 * ULP1, ULP1, 2 * ULP1};
            case CROSS_ENTROPY -> throw new AssertionError();
        };
    }

    @ParameterizedTest(name = "{0} [{1}, {2}]")
    @MethodSource("lossCases")
    void lossesAgree(Loss loss, int rows, int cols) {
        SplittableRandom rnd = new SplittableRandom(7L * rows + cols + loss.kind().ordinal());
        boolean probabilities = loss.kind() == Loss.Kind.BCE;
        String at = loss + " [" + rows + ", " + cols + "]";
        try (Tensor pred = probabilities ? Agreement.uniform(rnd, rows, cols, 0.001, 0.999)
                                         : Agreement.uniform(rnd, rows, cols, -5, 5);
             Tensor target = loss.kind() == Loss.Kind.BCE || loss.kind() == Loss.Kind.BCE_WITH_LOGITS
                     ? Agreement.uniform(rnd, rows, cols, 0, 1) : Agreement.uniform(rnd, rows, cols, -5, 5);
             Tensor dn = Tensor.allocate(rows, cols); Tensor dr = Tensor.allocate(rows, cols)) {
            double[] tol = tolerance(loss);
            Agreement.closeScalar(at + " loss", NATIVE.lossForward(loss, pred, target),
                    REFERENCE.lossForward(loss, pred, target), 0, tol[0] + ULP1);   // + the final rounding to float
            NATIVE.lossBackward(loss, dn, pred, target);
            REFERENCE.lossBackward(loss, dr, pred, target);
            Agreement.close(at + " dpred", dn, dr, tol[1] / pred.size(), tol[2]);
        }
    }

    @ParameterizedTest(name = "cross-entropy [{0}, {1}]")
    @MethodSource("shapeCases")
    void crossEntropyAgrees(int rows, int cols) {
        SplittableRandom rnd = new SplittableRandom(11L * rows + cols);
        String at = "cross-entropy [" + rows + ", " + cols + "]";
        try (Tensor logits = Agreement.uniform(rnd, rows, cols, -8, 8);
             Labels labels = Labels.allocate(rows);
             Tensor dn = Tensor.allocate(rows, cols); Tensor dr = Tensor.allocate(rows, cols)) {
            for (int r = 0; r < rows; r++) {
                labels.set(r, rnd.nextInt(cols));
            }
            // per row, log Σ exp(x − max) in double from float exps (the float x − max rounds: up to 8 ulp
            // of exp at |x − max| <= 16) plus max − x[label]; losses are >= 0 and about log C
            Agreement.closeScalar(at + " loss", NATIVE.crossEntropyForward(logits, labels),
                    REFERENCE.crossEntropyForward(logits, labels), 1e-7, 16 * ULP1);
            NATIVE.crossEntropyBackward(dn, logits, labels);
            REFERENCE.crossEntropyBackward(dr, logits, labels);
            // softmax as in the activation test (13 ulp), then /N; p − 1 at the label cancels: 2^-24/N absolute
            Agreement.close(at + " dlogits", dn, dr, ULP1 / rows, 13 * ULP1);
        }
    }

    @ParameterizedTest(name = "dropout [{0}, {1}]")
    @MethodSource("shapeCases")
    void dropoutIsBitIdentical(int rows, int cols) {
        SplittableRandom rnd = new SplittableRandom(5L * rows + cols);
        for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f}) {
            long seed = rnd.nextLong();
            String at = "dropout p=" + p + " [" + rows + ", " + cols + "]";
            try (Tensor x = Agreement.uniform(rnd, rows, cols, -3, 3);
                 Tensor yn = Tensor.allocate(rows, cols); Tensor yr = Tensor.allocate(rows, cols);
                 Tensor mn = Tensor.allocate(rows, cols); Tensor mr = Tensor.allocate(rows, cols);
                 Tensor d = Agreement.uniform(rnd, rows, cols, -1, 1);
                 Tensor dn = Tensor.allocate(rows, cols); Tensor dr = Tensor.allocate(rows, cols)) {
                // the same hash and the same float products: equal to the bit
                NATIVE.dropoutForward(yn, mn, x, p, seed);
                REFERENCE.dropoutForward(yr, mr, x, p, seed);
                Agreement.identical(at + " mask", mn, mr);
                Agreement.identical(at + " out", yn, yr);
                NATIVE.dropoutBackward(dn, d, mn);
                REFERENCE.dropoutBackward(dr, d, mr);
                Agreement.identical(at + " dinp", dn, dr);
                NATIVE.dropoutForward(x, mn, x, p, seed);   // in place
                Agreement.identical(at + " in place", x, yr);
            }
        }
    }
}
