// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Transpose;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Central finite differences against every backward kernel of {@link ReferenceBackend}, through its
 * float32 tensors: the objective is {@code L = Σ dout ⊙ f(x)} (activations, GEMM) or the loss itself,
 * summed in double, and each element of x is moved by ±H. The step actually taken is the difference
 * of the two perturbed floats, so the rounding of x ± H costs nothing.
 *
 * <p>Criterion (PyTorch gradcheck's form): {@code |analytic − numeric| <= ATOL + RTOL·|numeric|}.
 * Inputs stay at least 10·H away from every kink (relu and leaky_relu and elu at 0, l1 at 0, huber at
 * ±delta, the softplus threshold) so that the difference quotient sees a smooth function.
 */
class GradientCheckTest {
    // float32 storage: a step of 1e-2 balances truncation (H²/6·|f'''| ≈ 2e-5) against the rounding
    // of the outputs (half an ulp, 6e-8·|f|, divided by 2H ≈ 3e-6·|f|).
    private static final float H = 1e-2f;
    // Both error sources above, for outputs and third derivatives of order 1-10.
    private static final double ATOL = 2e-4;
    private static final double RTOL = 2e-3;
    private static final int N = 3;
    private static final int C = 5;
    private static final int OC = 4;

    private final ReferenceBackend backend = new ReferenceBackend();

    static Stream<Activation> activations() {
        return Stream.of(Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU,
                Activation.leakyRelu(0.01f), Activation.leakyRelu(0.3f), Activation.elu(1f), Activation.elu(0.7f),
                Activation.GELU, Activation.SOFTPLUS, Activation.SOFTMAX);
    }

    /** Values in [-3, 3] at least 10·H away from 0 (the kink of relu, leaky_relu, elu). */
    private static float[] awayFromZero(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            float v;
            do {
                v = (float) r.nextDouble(-3, 3);
            } while (Math.abs(v) < 10 * H);
            x[i] = v;
        }
        return x;
    }

    private static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(lo, hi);
        }
        return x;
    }

    /** Σ w ⊙ t in double. */
    private static double dot(Tensor w, Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            s += (double) w.get(i) * t.get(i);
        }
        return s;
    }

    /** The central difference of {@code objective} for every element of {@code x}, compared with {@code analytic}. */
    private static void check(String what, Tensor x, float[] analytic, DoubleSupplier objective) {
        int worst = -1;
        double worstExcess = 0;
        double worstNumeric = 0;
        for (int i = 0; i < x.size(); i++) {
            float x0 = x.get(i);
            float up = x0 + H;
            float down = x0 - H;
            x.set(i, up);
            double lUp = objective.getAsDouble();
            x.set(i, down);
            double lDown = objective.getAsDouble();
            x.set(i, x0);
            double numeric = (lUp - lDown) / ((double) up - down);
            double excess = Math.abs(analytic[i] - numeric) - (ATOL + RTOL * Math.abs(numeric));
            if (excess > 0 && (worst < 0 || excess > worstExcess)) {
                worst = i;
                worstExcess = excess;
                worstNumeric = numeric;
            }
        }
        if (worst >= 0) {
            fail(what + ": worst element " + worst + " analytic " + analytic[worst] + ", numeric " + worstNumeric
                    + " (exceeds atol " + ATOL + " + rtol " + RTOL + "·|numeric| by " + worstExcess + ")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void activationBackwardWithFusedBias(Activation act) {
        SplittableRandom r = new SplittableRandom(11);
        float[] pre = awayFromZero(r, N * C);
        try (Tensor inp0 = Tensor.of(N, C, pre); Tensor inp = Tensor.allocate(N, C); Tensor out = Tensor.allocate(N, C);
             Tensor bias = Tensor.allocate(1, C); Tensor dout = Tensor.of(N, C, uniform(r, N * C, -1, 1));
             Tensor dinp = Tensor.allocate(N, C); Tensor dbias = Tensor.of(1, C, uniform(r, C, -1, 1))) {
            float[] dbias0 = dbias.toArray();
            // the objective with the bias fused in; inp is overwritten by the pre-activation each time
            DoubleSupplier objective = () -> {
                inp.copyFrom(inp0);
                backend.activationForward(act, out, inp, bias);
                return dot(dout, out);
            };
            objective.getAsDouble();
            backend.activationBackward(act, dinp, dout, inp, out, dbias);
            check(act + " dinp", inp0, dinp.toArray(), objective);
            float[] grew = dbias.toArray();
            for (int j = 0; j < C; j++) {
                grew[j] -= dbias0[j];   // dbias accumulates: what was added is the gradient
            }
            check(act + " dbias", bias, grew, objective);
        }
    }

    @Test
    void reluKinkIsAvoided() {
        // documents the choice above: at exactly 0 the one-sided slopes differ and no step size helps
        try (Tensor x = Tensor.of(1, 1, 0f); Tensor y = Tensor.allocate(1, 1)) {
            backend.activationForward(Activation.RELU, y, x, null);
            if (y.get(0) != 0f) {
                fail("relu(0) must be 0, got " + y.get(0));
            }
        }
    }

    static Stream<Loss> losses() {
        return Stream.of(Loss.MSE, Loss.L1, Loss.huber(1f), Loss.huber(0.4f), Loss.BCE, Loss.BCE_WITH_LOGITS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossBackward(Loss loss) {
        SplittableRandom r = new SplittableRandom(23);
        int n = N * C;
        float[] pred = new float[n];
        float[] target = new float[n];
        for (int i = 0; i < n; i++) {
            switch (loss.kind()) {
                case BCE -> { pred[i] = (float) r.nextDouble(0.2, 0.8);   // log''' = 2/p³ would swamp the step near 0 or 1
                     target[i] = (float) r.nextDouble(); }
                case BCE_WITH_LOGITS -> { pred[i] = (float) r.nextDouble(-4, 4); target[i] = (float) r.nextDouble(); }
                default -> {
                    target[i] = (float) r.nextDouble(-2, 2);
                    float d;
                    do {
                        d = (float) r.nextDouble(-3, 3);
                    } while (Math.abs(d) < 10 * H || Math.abs(Math.abs(d) - loss.delta()) < 10 * H);
                    pred[i] = target[i] + d;   // away from l1's kink at 0 and huber's at ±delta
                }
            }
        }
        try (Tensor p = Tensor.of(N, C, pred); Tensor t = Tensor.of(N, C, target); Tensor dp = Tensor.allocate(N, C)) {
            backend.lossBackward(loss, dp, p, t);
            check(loss + " dpred", p, dp.toArray(), () -> backend.lossForward(loss, p, t));
        }
    }

    @Test
    void crossEntropyBackward() {
        SplittableRandom r = new SplittableRandom(5);
        try (Tensor z = Tensor.of(N, C, uniform(r, N * C, -3, 3)); Tensor dz = Tensor.allocate(N, C);
             Labels labels = Labels.of(4, 0, 2)) {
            backend.crossEntropyBackward(dz, z, labels);
            check("cross_entropy dlogits", z, dz.toArray(), () -> backend.crossEntropyForward(z, labels));
        }
    }

    /** A dense layer as the model runs it: out = inp·Wᵀ; dinp = dout·W; dW += doutᵀ·inp (GEMM with beta 1). */
    @Test
    void denseLayerGemmGradients() {
        SplittableRandom r = new SplittableRandom(99);
        try (Tensor inp = Tensor.of(N, C, uniform(r, N * C, -2, 2)); Tensor w = Tensor.of(OC, C, uniform(r, OC * C, -1, 1));
             Tensor out = Tensor.allocate(N, OC); Tensor dout = Tensor.of(N, OC, uniform(r, N * OC, -1, 1));
             Tensor dinp = Tensor.allocate(N, C); Tensor dw = Tensor.of(OC, C, uniform(r, OC * C, -1, 1))) {
            float[] dw0 = dw.toArray();
            DoubleSupplier objective = () -> {
                backend.gemm(out, inp, Transpose.NO, w, Transpose.YES, 1f, 0f);
                return dot(dout, out);
            };
            backend.gemm(dinp, dout, Transpose.NO, w, Transpose.NO, 1f, 0f);
            backend.gemm(dw, dout, Transpose.YES, inp, Transpose.NO, 1f, 1f);
            float[] grew = dw.toArray();
            for (int i = 0; i < grew.length; i++) {
                grew[i] -= dw0[i];
            }
            check("dense dinp", inp, dinp.toArray(), objective);
            check("dense dweight", w, grew, objective);
        }
    }

    /** Every transpose combination of c = alpha·op(a)·op(b): da = alpha·dc·op(b)ᵀ mapped back through op. */
    @Test
    void gemmGradientsForEveryTranspose() {
        SplittableRandom r = new SplittableRandom(3);
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                int m = 3;
                int k = 4;
                int n = 2;
                float alpha = 0.75f;
                try (Tensor a = ta == Transpose.NO ? Tensor.of(m, k, uniform(r, m * k, -1, 1)) : Tensor.of(k, m, uniform(r, m * k, -1, 1));
                     Tensor b = tb == Transpose.NO ? Tensor.of(k, n, uniform(r, k * n, -1, 1)) : Tensor.of(n, k, uniform(r, k * n, -1, 1));
                     Tensor c = Tensor.allocate(m, n); Tensor dc = Tensor.of(m, n, uniform(r, m * n, -1, 1));
                     Tensor da = Tensor.allocate(a.rows(), a.cols()); Tensor db = Tensor.allocate(b.rows(), b.cols())) {
                    DoubleSupplier objective = () -> {
                        backend.gemm(c, a, ta, b, tb, alpha, 0f);
                        return dot(dc, c);
                    };
                    // d op(a) = alpha·dc·op(b)ᵀ (m, k); stored as op(a): da = that, or its transpose
                    if (ta == Transpose.NO) {
                        backend.gemm(da, dc, Transpose.NO, b, flip(tb), alpha, 0f);
                    } else {
                        backend.gemm(da, b, tb, dc, Transpose.YES, alpha, 0f);
                    }
                    // d op(b) = alpha·op(a)ᵀ·dc (k, n)
                    if (tb == Transpose.NO) {
                        backend.gemm(db, a, flip(ta), dc, Transpose.NO, alpha, 0f);
                    } else {
                        backend.gemm(db, dc, Transpose.YES, a, ta, alpha, 0f);
                    }
                    check("gemm " + ta + "/" + tb + " da", a, da.toArray(), objective);
                    check("gemm " + ta + "/" + tb + " db", b, db.toArray(), objective);
                }
            }
        }
    }

    private static Transpose flip(Transpose t) {
        return t == Transpose.NO ? Transpose.YES : Transpose.NO;
    }

    /** The double-precision derivatives behind the kernels, at a step where double makes them exact to 1e-8. */
    @Test
    void pointwiseDerivativesInDouble() {
        double h = 1e-5;   // double: truncation h²·f''' ≈ 1e-10, rounding 1e-16/h ≈ 1e-11
        for (double x : List.of(-7.5, -3.0, -1.25, -0.4, -0.01, 0.03, 0.5, 1.7, 4.0, 12.0, 19.0, 25.0)) {
            double gelu = (Pointwise.gelu(x + h) - Pointwise.gelu(x - h)) / (2 * h);
            double softplus = (Pointwise.softplus(x + h) - Pointwise.softplus(x - h)) / (2 * h);
            // 1e-8: the error budget above, with margin
            if (Math.abs(gelu - Pointwise.geluDerivative(x)) > 1e-8 || Math.abs(softplus - Pointwise.softplusDerivative(x)) > 1e-8) {
                fail("at x = " + x + ": gelu' " + Pointwise.geluDerivative(x) + " vs numeric " + gelu
                        + ", softplus' " + Pointwise.softplusDerivative(x) + " vs numeric " + softplus);
            }
        }
    }
}
