// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.optim.Adam;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.Optimizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Smoke test: a small network with dropout learns XOR (a problem no linear model solves) on both backends. */
class LossFallsTest {

    @Test
    void xorIsLearned() {
        for (Backend b : TestBackends.all()) {
            List<LayerSpec> specs = List.of(new DenseSpec(2, 16), new ActivationSpec(Activation.TANH),
                    new DropoutSpec(0.1f), new DenseSpec(16, 2));
            try (Network net = new Network(b, specs, Loss.CROSS_ENTROPY, 3);
                 Optimizer opt = new Adam(net, AdamConfig.adam(0.05f));
                 Tensor x = Tensor.of(4, 2, 0, 0, 0, 1, 1, 0, 1, 1);
                 Labels y = Labels.of(0, 1, 1, 0)) {
                float first = 0;
                for (int step = 0; step < 300; step++) {
                    net.zeroGrad();
                    float loss = net.forward(x, y);
                    if (step == 0) {
                        first = loss;
                    }
                    net.backward();
                    opt.step();
                }
                net.train(false);
                float last = net.forward(x, y);
                // ln 2 ≈ 0.69 is chance level; 0.1 means every sample is classified with probability > 0.9
                assertTrue(first > 0.5 && last < 0.1, b.name() + ": loss went from " + first + " to " + last);
                Tensor out = net.predict(x);
                for (int r = 0; r < 4; r++) {
                    int predicted = out.get(r, 1) > out.get(r, 0) ? 1 : 0;
                    assertTrue(predicted == y.get(r), b.name() + ": sample " + r + " predicted " + predicted);
                }
            }
        }
    }
}
