// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static dev.gradus.backend.Agreement.ULP1;

import dev.gradus.Activation;
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
 * Native ≡ reference for every activation, forward (bias fused) and backward (dbias fused), over
 * sizes around the vector widths and large shapes that cross the thread-pool threshold.
 * The reference evaluates in double and rounds once, so it is (close to) correctly rounded; each
 * tolerance below bounds the native float32 formula's own rounding against that, with the accuracy
 * of native/src/nnk_math.h's vectorizable functions (measured: expf 1.0, expm1f 1.7, tanhf 1.3,
 * log1pf 1.4, erff 2.8 ulp). ULP1 = 2^-23, one ulp at [1, 2): at most two ulps below 1.
 */
@Tag("blas")
class NativeActivationEquivalenceTest {
    static final int[] SIZES = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65};
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
        List<int[]> shapes = new ArrayList<>();
        for (int s : SIZES) {
            shapes.add(new int[] {1, s});
            shapes.add(new int[] {s, s});
        }
        shapes.add(new int[] {1000, 1000});   // 1 Mi elements: split over the pool (PoolSettings: 256 Ki)
        shapes.add(new int[] {300, 1100});    // dbias over more than one 512-column block, split by columns
        shapes.add(new int[] {1, 300000});    // one long row split in the middle
        return shapes;
    }

    static Stream<Arguments> cases() {
        List<Activation> acts = List.of(Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU,
                Activation.leakyRelu(0.1f), Activation.elu(1.3f), Activation.GELU, Activation.SOFTPLUS,
                Activation.SOFTMAX);
        List<Arguments> out = new ArrayList<>();
        for (Activation a : acts) {
            for (int[] s : shapes()) {
                out.add(Arguments.of(a, s[0], s[1]));
            }
        }
        return out.stream();
    }

    /** Inputs that reach each function's interesting regions (softplus's threshold 20, sigmoid's tails). */
    static double range(Activation a) {
        return switch (a.kind()) {
            case SIGMOID -> 20;
            case SOFTPLUS -> 30;
            case SOFTMAX -> 8;
            default -> 5;
        };
    }

    /** {atol, rtol} of the forward output. */
    static double[] forwardTolerance(Activation a) {
        return switch (a.kind()) {
            // one rounding of the same exact value on both sides
            case IDENTITY, RELU, LEAKY_RELU -> new double[] {0, 0};
            // expf (<= 1 ulp), then 1 + e and a division, each rounded
            case SIGMOID -> new double[] {0, 3 * ULP1};
            // tanhf (1.3 ulp); expm1f (1.7 ulp) times alpha; max(x,0) + log1pf(expf(−|x|)) (~2.5 ulp)
            case TANH, ELU, SOFTPLUS -> new double[] {0, 3 * ULP1};
            // torch's form x/2·(1 + erf(x/√2)) rounds 1 + erf in float: absolute error up to |x|·2^-24 for x < 0;
            // erff itself is within 2.8 ulp
            case GELU -> new double[] {5 * 5 * ULP1, 3 * ULP1};
            // as torch, x − max is a float subtraction: its rounding (up to |x − max|·2^-24, |x − max| <= 18
            // here) becomes a relative error of exp; then expf (<= 1 ulp), the float sum, one division
            case SOFTMAX -> new double[] {0, (9 + 4) * ULP1};
        };
    }

    /** {atol, rtol} of dinp, for |dout| <= 1. */
    static double[] backwardTolerance(Activation a) {
        return switch (a.kind()) {
            case IDENTITY, RELU, LEAKY_RELU -> new double[] {0, 0};
            // dout·(1−y)·y: two roundings instead of one
            case SIGMOID -> new double[] {0, 2 * ULP1};
            // 1 − y·y cancels after y·y was rounded: absolute error up to 2^-24·|dout|
            case TANH -> new double[] {ULP1, 2 * ULP1};
            // dout·alpha·expf(x), dout·z/(z+1): expf plus two or three roundings
            case ELU, SOFTPLUS -> new double[] {0, 4 * ULP1};
            // Φ(x) = (1 + erf)/2 cancels for x < 0 (as in the forward), plus expf in φ
            case GELU -> new double[] {5 * 5 * ULP1, 4 * ULP1};
            // y·(dout − Σ dout·y): the dot is rounded to float before the subtraction
            case SOFTMAX -> new double[] {ULP1, 2 * ULP1};
        };
    }

    @ParameterizedTest(name = "{0} [{1}, {2}]")
    @MethodSource("cases")
    void forwardAndBackwardAgree(Activation act, int rows, int cols) {
        SplittableRandom rnd = new SplittableRandom(31L * rows + cols + act.kind().ordinal());
        double r = range(act);
        String at = act + " [" + rows + ", " + cols + "]";
        try (Tensor x = Agreement.uniform(rnd, rows, cols, -r, r);
             Tensor bias = Agreement.uniform(rnd, 1, cols, -1, 1);
             Tensor xn = Agreement.copy(x); Tensor xr = Agreement.copy(x);
             Tensor yn = Tensor.allocate(rows, cols); Tensor yr = Tensor.allocate(rows, cols);
             Tensor dout = Agreement.uniform(rnd, rows, cols, -1, 1);
             Tensor dbias0 = Agreement.uniform(rnd, 1, cols, -1, 1);
             Tensor dbn = Agreement.copy(dbias0); Tensor dbr = Agreement.copy(dbias0);
             Tensor dxn = Tensor.allocate(rows, cols); Tensor dxr = Tensor.allocate(rows, cols)) {
            NATIVE.activationForward(act, yn, xn, bias);
            REFERENCE.activationForward(act, yr, xr, bias);
            Agreement.identical(at + " pre-activation (inp + bias)", xn, xr);
            double[] f = forwardTolerance(act);
            Agreement.close(at + " forward", yn, yr, f[0], f[1]);

            // backward from the same (reference) forward state, so only the backward is compared
            NATIVE.activationBackward(act, dxn, dout, xr, yr, dbn);
            REFERENCE.activationBackward(act, dxr, dout, xr, yr, dbr);
            double[] b = backwardTolerance(act);
            Agreement.close(at + " dinp", dxn, dxr, b[0], b[1]);
            // each column sums `rows` values of dinp, each within its bound; then one rounding to float
            double perElement = b[0] + b[1] * Agreement.maxAbs(dxr);
            Agreement.close(at + " dbias", dbn, dbr, rows * perElement + ULP1 * Agreement.maxAbs(dbr), ULP1);
        }
    }

    @ParameterizedTest(name = "{0} [{1}, {2}] in place")
    @MethodSource("cases")
    void inPlaceAgrees(Activation act, int rows, int cols) {
        if ((long) rows * cols > 100_000) {
            return;   // the large shapes add nothing here that the test above did not cover
        }
        SplittableRandom rnd = new SplittableRandom(17L * rows + cols + act.kind().ordinal());
        double r = range(act);
        String at = act + " [" + rows + ", " + cols + "] in place";
        try (Tensor x = Agreement.uniform(rnd, rows, cols, -r, r);
             Tensor bias = Agreement.uniform(rnd, 1, cols, -1, 1);
             Tensor xn = Agreement.copy(x); Tensor xr = Agreement.copy(x);
             Tensor yr = Tensor.allocate(rows, cols);
             Tensor dn = Agreement.uniform(rnd, rows, cols, -1, 1); Tensor dr = Agreement.copy(dn);
             Tensor pre = Agreement.copy(x)) {
            REFERENCE.activationForward(act, yr, pre, bias);   // out-of-place reference: pre-activation and output
            NATIVE.activationForward(act, xn, xn, bias);       // out = inp
            double[] f = forwardTolerance(act);
            Agreement.close(at + " forward", xn, yr, f[0], f[1]);

            NATIVE.activationBackward(act, dn, dn, pre, yr, null);       // dinp = dout
            REFERENCE.activationBackward(act, dr, dr, pre, yr, null);
            double[] b = backwardTolerance(act);
            Agreement.close(at + " dinp", dn, dr, b[0], b[1]);
        }
    }
}
