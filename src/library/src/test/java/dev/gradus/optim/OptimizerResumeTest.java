// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;
import dev.gradus.nn.TestBackends;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * Each optimizer's state is complete: training 3 steps, copying parameters, state buffers, step count and
 * learning rate into a fresh network and optimizer, then 3 more steps gives bit-identical parameters to
 * 6 uninterrupted steps (what checkpoint/resume relies on). Update rules themselves are checked against
 * PyTorch by the shared reference cases.
 */
@Tag("blas")
class OptimizerResumeTest {

    private static final Map<String, Function<Network, Optimizer>> OPTIMIZERS = new LinkedHashMap<>();

    static {
        OPTIMIZERS.put("sgd", n -> new Sgd(n, SgdConfig.of(0.1f).withMomentum(0.9f).withNesterov(true)));
        OPTIMIZERS.put("adagrad", n -> new Adagrad(n, AdagradConfig.of(0.05f).withLrDecay(0.01f)
                .withInitialAccumulatorValue(0.1f)));
        OPTIMIZERS.put("rmsprop", n -> new Rmsprop(n, RmspropConfig.of(0.01f).withMomentum(0.5f).withCentered(true)));
        OPTIMIZERS.put("adam", n -> new Adam(n, AdamConfig.adam(0.01f).withAmsgrad(true).withWeightDecay(0.01f)));
        OPTIMIZERS.put("adamw", n -> new AdamW(n, AdamConfig.adamw(0.01f)));
    }

    @Test
    void resumingFromCopiedStateEqualsAnUninterruptedRun() {
        for (Backend b : TestBackends.all()) {
            for (Map.Entry<String, Function<Network, Optimizer>> e : OPTIMIZERS.entrySet()) {
                float[] uninterrupted;
                try (Network net = net(b); Optimizer opt = e.getValue().apply(net)) {
                    assertEquals(e.getKey(), opt.name());
                    train(net, opt, 6);
                    uninterrupted = net.parameterBuffer().toArray();
                }
                float[] params;
                Map<String, float[]> state = new LinkedHashMap<>();
                long steps;
                float lr;
                try (Network net = net(b); Optimizer opt = e.getValue().apply(net)) {
                    train(net, opt, 3);
                    params = net.parameterBuffer().toArray();
                    opt.state().forEach((k, v) -> state.put(k, v.toArray()));
                    steps = opt.stepCount();
                    lr = opt.lr();
                }
                try (Network net = net(b); Optimizer opt = e.getValue().apply(net)) {
                    net.parameterBuffer().copyFrom(params);
                    assertEquals(new ArrayList<>(state.keySet()), new ArrayList<>(opt.state().keySet()));
                    opt.state().forEach((k, v) -> v.copyFrom(state.get(k)));
                    opt.setStepCount(steps);
                    opt.setLr(lr);
                    train(net, opt, 3);
                    assertArrayEquals(uninterrupted, net.parameterBuffer().toArray(), b.name() + " " + e.getKey());
                    assertEquals(6, opt.stepCount());
                }
            }
        }
    }

    @Test
    void stateBuffersHaveTorchNames() {
        Backend b = TestBackends.all().get(0);
        try (Network net = net(b)) {
            List<List<String>> names = new ArrayList<>();
            for (Function<Network, Optimizer> f : OPTIMIZERS.values()) {
                try (Optimizer o = f.apply(net)) {
                    names.add(new ArrayList<>(o.state().keySet()));
                    o.state().values().forEach(t -> assertEquals(net.parameterCount(), t.size()));
                }
            }
            assertEquals(List.of(List.of("momentum_buffer"), List.of("sum"),
                    List.of("square_avg", "momentum_buffer", "grad_avg"),
                    List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"), List.of("exp_avg", "exp_avg_sq")), names);
            try (Optimizer plain = new Sgd(net, SgdConfig.of(0.1f))) {
                assertEquals(0, plain.state().size());
                assertThrows(IllegalArgumentException.class, () -> plain.setLr(Float.NaN));
                assertThrows(IllegalArgumentException.class, () -> plain.setStepCount(-1));
            }
            assertThrows(IllegalArgumentException.class, () -> new Adam(net, null));
        }
    }

    private static Network net(Backend b) {
        return Network.mlp(b, new int[] {4, 6, 3}, Activation.TANH, Loss.CROSS_ENTROPY, 21);
    }

    private static void train(Network net, Optimizer opt, int steps) {
        try (Tensor x = Tensor.of(4, 4, 0.1f, 0.2f, -0.3f, 0.4f, 1f, -1f, 0.5f, 0.25f, -0.7f, 0.3f, 0.9f, -0.1f,
                0f, 0.6f, -0.6f, 0.2f);
             Labels y = Labels.of(0, 1, 2, 1)) {
            for (int i = 0; i < steps; i++) {
                net.zeroGrad();
                net.forward(x, y);
                net.backward();
                opt.step();
            }
        }
    }
}
