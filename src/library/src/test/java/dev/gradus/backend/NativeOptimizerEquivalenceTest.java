// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;


import dev.gradus.Tensor;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.reference.ReferenceBackend;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;
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
 * Native ≡ reference for every optimizer configuration over several steps, and for the clipping
 * helpers. Both backends compute the optimizers' float32 operations in torch's order with the same
 * scalars (ShortestDecimal) and the same fused multiply-adds, so parameters and state are compared
 * bit for bit.
 */
@Tag("blas")
class NativeOptimizerEquivalenceTest {
    static final Backend NATIVE = new NativeBackend();
    static final Backend REFERENCE = new ReferenceBackend();
    static final int STEPS = 6;

    @BeforeAll
    static void splitLargeCalls() {
        PoolSettings.split();
    }

    @AfterAll
    static void restorePool() {
        PoolSettings.restore();
    }

    static List<Integer> lengths() {
        List<Integer> n = new ArrayList<>();
        for (int s : NativeActivationEquivalenceTest.SIZES) {
            n.add(s);
        }
        n.add(1000);
        n.add(1 << 20);   // split over the pool
        return n;
    }

    static Stream<Arguments> configs() {
        List<Object> cs = List.of(
                SgdConfig.of(0.1f),
                SgdConfig.of(0.05f).withMomentum(0.9f),
                SgdConfig.of(0.05f).withMomentum(0.9f).withDampening(0.1f).withWeightDecay(0.01f),
                SgdConfig.of(0.05f).withMomentum(0.9f).withNesterov(true).withWeightDecay(1e-4f),
                AdagradConfig.of(0.1f),
                AdagradConfig.of(0.1f).withLrDecay(0.01f).withWeightDecay(0.1f).withInitialAccumulatorValue(0.1f),
                RmspropConfig.of(0.01f),
                RmspropConfig.of(0.01f).withMomentum(0.9f),
                RmspropConfig.of(0.01f).withCentered(true).withMomentum(0.5f).withWeightDecay(0.01f),
                AdamConfig.adam(0.001f),
                AdamConfig.adam(0.01f).withAmsgrad(true).withWeightDecay(0.01f),
                AdamConfig.adam(0.01f).withBetas(0.8f, 0.99f).withEps(1e-6f),
                AdamConfig.adamw(0.001f),
                AdamConfig.adamw(0.01f).withAmsgrad(true));
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            boolean adamw = i >= cs.size() - 2;
            for (int n : lengths()) {
                out.add(Arguments.of(cs.get(i), adamw, n));
            }
        }
        return out.stream();
    }

    /** The state buffers of one side: the ones the configuration uses, others null. */
    static Tensor[] state(Object c, int n) {
        Tensor[] s = new Tensor[3];
        if (c instanceof SgdConfig sgd) {
            s[0] = sgd.momentum() != 0 ? Tensor.allocate(1, n) : null;
        } else if (c instanceof AdagradConfig ada) {
            s[0] = Tensor.allocate(1, n).fill(ada.initialAccumulatorValue());
        } else if (c instanceof RmspropConfig rms) {
            s[0] = Tensor.allocate(1, n);
            s[1] = rms.momentum() != 0 ? Tensor.allocate(1, n) : null;
            s[2] = rms.centered() ? Tensor.allocate(1, n) : null;
        } else if (c instanceof AdamConfig adam) {
            s[0] = Tensor.allocate(1, n);
            s[1] = Tensor.allocate(1, n);
            s[2] = adam.amsgrad() ? Tensor.allocate(1, n) : null;
        }
        return s;
    }

    static void step(Backend b, Object c, boolean adamw, Tensor p, Tensor g, Tensor[] s, float lr, long step) {
        if (c instanceof SgdConfig sgd) {
            b.sgdUpdate(p, g, s[0], sgd, lr, step);
        } else if (c instanceof AdagradConfig ada) {
            b.adagradUpdate(p, g, s[0], ada, lr, step);
        } else if (c instanceof RmspropConfig rms) {
            b.rmspropUpdate(p, g, s[0], s[1], s[2], rms, lr, step);
        } else if (adamw) {
            b.adamwUpdate(p, g, s[0], s[1], s[2], (AdamConfig) c, lr, step);
        } else {
            b.adamUpdate(p, g, s[0], s[1], s[2], (AdamConfig) c, lr, step);
        }
    }

    static float lr(Object c) {
        if (c instanceof SgdConfig x) return x.lr();
        if (c instanceof AdagradConfig x) return x.lr();
        if (c instanceof RmspropConfig x) return x.lr();
        return ((AdamConfig) c).lr();
    }

    @ParameterizedTest(name = "{0} adamw={1} n={2}")
    @MethodSource("configs")
    void updatesAreBitIdentical(Object config, boolean adamw, int n) {
        SplittableRandom rnd = new SplittableRandom(n * 131L + config.hashCode());
        Tensor[] sn = state(config, n);
        Tensor[] sr = state(config, n);
        try (Tensor p0 = Agreement.uniform(rnd, 1, n, -1, 1);
             Tensor pn = Agreement.copy(p0); Tensor pr = Agreement.copy(p0)) {
            for (long t = 1; t <= STEPS; t++) {
                float lr = (float) (lr(config) * Math.pow(0.9, t - 1));   // as a schedule would vary it
                try (Tensor g = Agreement.uniform(rnd, 1, n, -1, 1)) {
                    step(NATIVE, config, adamw, pn, g, sn, lr, t);
                    step(REFERENCE, config, adamw, pr, g, sr, lr, t);
                }
                String at = config + (adamw ? " (AdamW)" : "") + " n=" + n + " step " + t;
                Agreement.identical(at + " param", pn, pr);
                for (int k = 0; k < 3; k++) {
                    if (sn[k] != null) {
                        Agreement.identical(at + " state " + k, sn[k], sr[k]);
                    }
                }
            }
        } finally {
            for (int k = 0; k < 3; k++) {
                if (sn[k] != null) {
                    sn[k].close();
                    sr[k].close();
                }
            }
        }
    }

    static Stream<Arguments> lengthCases() {
        return lengths().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("lengthCases")
    void clippingHelpersAgree(int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        try (Tensor x = Agreement.uniform(rnd, 1, n, -3, 3);
             Tensor xn = Agreement.copy(x); Tensor xr = Agreement.copy(x)) {
            // both sum exact float squares in double, in different orders: ~n·2^-53 relative
            Agreement.closeScalar("sumOfSquares n=" + n, NATIVE.sumOfSquares(x), REFERENCE.sumOfSquares(x), 0, 1e-12);
            NATIVE.scale(xn, 0.37f);
            REFERENCE.scale(xr, 0.37f);
            Agreement.identical("scale n=" + n, xn, xr);   // one float product each
            xn.set(0, Float.NaN);
            xr.set(0, Float.NaN);
            NATIVE.clamp(xn, -0.5f, 0.25f);
            REFERENCE.clamp(xr, -0.5f, 0.25f);
            Agreement.identical("clamp n=" + n, xn, xr);   // comparisons only; NaN stays NaN
            xn.set(n - 1, -0f);
            NATIVE.zero(xn);
            REFERENCE.zero(xr);
            Agreement.identical("zero n=" + n, xn, xr);
            for (int i = 0; i < n; i++) {
                if (Float.floatToRawIntBits(xn.get(i)) != 0) {
                    throw new AssertionError("zero n=" + n + ": element " + i + " is " + xn.get(i) + ", not +0");
                }
            }
        }
    }
}
