// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * NaN, infinities and -0.0 go through the activations and bce as in PyTorch 1.13, on both backends: a NaN
 * weight must surface as a NaN loss or a refused prediction (so training stops), not vanish behind a ReLU. Expected values
 * printed by torch 1.13 (F.relu, F.leaky_relu(0.01), F.elu, F.gelu, sigmoid, tanh, F.softplus on
 * [nan, inf, -inf, -0.0], and relu's gradient of ones).
 */
@Tag("blas")
class NonFiniteTest {
    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;

    @Test
    void activationsPropagateLikeTorch() {
        for (String name : new String[] {"native", "java"}) {
            Backend b = Backend.named(name);
            check(b, Activation.RELU, NAN, INF, 0f, -0f);
            check(b, Activation.leakyRelu(0.01f), NAN, INF, -INF, -0f);
            check(b, Activation.elu(1f), NAN, INF, -1f, 0f);
            check(b, Activation.GELU, NAN, INF, NAN, 0f);
            check(b, Activation.SIGMOID, NAN, 1f, 0f, 0.5f);
            check(b, Activation.TANH, NAN, 1f, -1f, -0f);
        }
    }

    @Test
    void reluBackwardPassesTheGradientAtNaNAndStopsItAtZero() {
        for (String name : new String[] {"native", "java"}) {
            Backend b = Backend.named(name);
            try (Tensor x = Tensor.of(1, 4, NAN, 2f, -0f, -3f); Tensor y = Tensor.allocate(1, 4);
                 Tensor d = Tensor.of(1, 4, 1f, 1f, 1f, 1f); Tensor g = Tensor.allocate(1, 4)) {
                b.activationForward(Activation.RELU, y, x, null);
                b.activationBackward(Activation.RELU, g, d, x, y, null);
                assertArrayEquals(new float[] {1f, 1f, 0f, 0f}, g.toArray(), name + ": relu gradient");
            }
        }
    }

    /**
     * torch 1.13's binary_cross_entropy refuses any prediction outside [0, 1], NaN and infinities included
     * ("all elements of input should be between 0 and 1"), accepts -0.0, clamps each log at -100, and does
     * not check the targets (a NaN target gives a NaN loss). Both backends refuse the same element; native
     * bce had turned a NaN prediction into a loss of 100 and gave negative losses for predictions above 1.
     * Values printed by torch 1.13 (F.binary_cross_entropy, float32).
     */
    @Test
    void bceRefusesPredictionsOutsideTheUnitIntervalAsTorch() {
        for (String name : new String[] {"native", "java"}) {
            Backend b = Backend.named(name);
            for (float bad : new float[] {NAN, 1.5f, -0.1f, INF, -INF}) {
                try (Tensor p = Tensor.of(2, 2, 0.5f, 0.25f, bad, 0.75f); Tensor t = Tensor.of(2, 2, 1f, 0f, 0f, 1f)) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.lossForward(Loss.BCE, p, t));
                    assertTrue(e.getMessage().contains("prediction [1, 0] of [2, 2] is " + bad), name + ": " + e.getMessage());
                    assertTrue(e.getMessage().contains("[0, 1]") && e.getMessage().contains("bce_with_logits"), e.getMessage());
                }
            }
            assertEquals(0.3465735912322998, bce(b, new float[] {0.5f, -0f}, new float[] {1, 0}), 1e-7, name + ": -0.0");
            assertEquals(50.34657287597656, bce(b, new float[] {0.5f, 0f}, new float[] {1, 1}), 4e-6, name + ": log clamped");
            assertEquals(1.3722089529037476, bce(b, new float[] {0.5f, 0.3f}, new float[] {1, 2}), 1e-6, name + ": target 2");
            assertEquals(0.1012621521949768, bce(b, new float[] {0.5f, 0.3f}, new float[] {1, -1}), 1e-6, name + ": target -1");
            assertTrue(Double.isNaN(bce(b, new float[] {0.5f, 0.3f}, new float[] {1, NAN})), name + ": a NaN target is not refused");
        }
    }

    /** The element named is the first refused one, whichever piece of a split call holds it, whatever the threads. */
    @Test
    void bceNamesTheFirstRefusedElementOfALargeSplitCall() {
        PoolSettings.split();
        try (Tensor p = Tensor.allocate(1000, 1000); Tensor t = Tensor.allocate(1000, 1000)) {
            p.fill(0.5f);
            p.set(987_654, NAN);
            p.set(777_777, 2f);
            p.set(900_000, -1f);
            for (String name : new String[] {"native", "java"}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Backend.named(name).lossForward(Loss.BCE, p, t));
                assertTrue(e.getMessage().contains("prediction [777, 777] of [1000, 1000] is 2.0"), name + ": " + e.getMessage());
            }
            p.set(777_777, 0.5f);
            p.set(900_000, 0.5f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Backend.named("native").lossForward(Loss.BCE, p, t));
            assertTrue(e.getMessage().contains("prediction [987, 654] of [1000, 1000] is NaN"), e.getMessage());
            p.set(987_654, 0.5f);
            assertEquals((float) Math.log(2), Backend.named("native").lossForward(Loss.BCE, p, t), 1e-6f,
                    "the same call with every prediction in range");
        } finally {
            PoolSettings.restore();
        }
    }

    private static double bce(Backend b, float[] p, float[] t) {
        try (Tensor pred = Tensor.of(1, p.length, p); Tensor target = Tensor.of(1, t.length, t)) {
            return b.lossForward(Loss.BCE, pred, target);
        }
    }

    private static void check(Backend b, Activation act, float... want) {
        try (Tensor x = Tensor.of(1, 4, NAN, INF, -INF, -0f); Tensor y = Tensor.allocate(1, 4)) {
            b.activationForward(act, y, x, null);
            float[] got = y.toArray();
            for (int i = 0; i < want.length; i++) {
                // NaN must stay NaN; zeros compare by value (torch's own sign of zero differs between its paths)
                boolean same = Float.isNaN(want[i]) ? Float.isNaN(got[i]) : got[i] == want[i];
                assertTrue(same, b.name() + " " + act + " on [nan, inf, -inf, -0.0]: element " + i + " is " + got[i]
                        + ", torch gives " + want[i]);
            }
        }
    }
}
