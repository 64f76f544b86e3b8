// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * NaN, infinities and -0.0 go through the activations as in PyTorch 1.13, on both backends: a NaN
 * weight must surface as a NaN loss (so training stops), not vanish behind a ReLU. Expected values
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
