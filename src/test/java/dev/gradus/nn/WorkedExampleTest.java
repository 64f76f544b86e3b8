// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.reference.ReferenceBackend;
import dev.gradus.optim.Optimizer;
import dev.gradus.optim.Sgd;
import dev.gradus.optim.SgdConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The source material's worked example written as plain API calls, as in the README: a 3-2-1 sigmoid
 * network with every parameter 0.1, one sample [0.1, 0.2, 0.3] with target 0, MSE, plain gradient
 * descent with lr 0.5 for 20 steps. Expected values: ../shared/cases/seed_worked_example.json
 * (PyTorch, float64).
 */
class WorkedExampleTest {
    // float32 arithmetic against float64 PyTorch values: the case file's own tolerance
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    @Test
    void workedExampleAsInTheReadme() {
        Backend backend = new ReferenceBackend();
        List<LayerSpec> layers = List.of(
                new DenseSpec(3, 2, Init.constant(0.1f)), new ActivationSpec(Activation.SIGMOID),
                new DenseSpec(2, 1, Init.constant(0.1f)), new ActivationSpec(Activation.SIGMOID));
        try (Network net = new Network(backend, layers, Loss.MSE, 0);
             Optimizer sgd = new Sgd(net, SgdConfig.of(0.5f));
             Tensor x = Tensor.of(1, 3, 0.1f, 0.2f, 0.3f);
             Tensor y = Tensor.of(1, 1, 0f)) {
            float first = 0;
            float loss = 0;
            for (int step = 0; step < 20; step++) {
                net.zeroGrad();
                loss = net.forward(x, y);
                if (step == 0) {
                    first = loss;
                    close(0.5518091201577804, net.output().get(0), "output before training");
                    net.backward();
                    close(0.27294224462808087, net.parameter("2.bias").grad().get(0), "d loss / d 2.bias");
                    close(0.0006780071011628381, net.parameter("0.weight").grad().get(0), "d loss / d 0.weight[0]");
                } else {
                    net.backward();
                }
                sgd.step();
            }
            close(0.3044933050893037, first, "loss before step 0");
            close(0.026845407751455826, loss, "loss before step 19");
            close(-1.0711056796014913, net.parameter("2.bias").value().get(0), "2.bias after 20 steps");
            close(0.10566264019690405, net.parameter("0.weight").value().get(0), "0.weight[0] after 20 steps");
            assertEquals(20, sgd.stepCount());
        }
    }

    private static void close(double want, double got, String what) {
        double tol = ATOL + RTOL * Math.abs(want);
        assertEquals(want, got, tol, what + ": got " + got + ", want " + want);
    }
}
