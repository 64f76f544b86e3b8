// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.optim.Optimizer;
import dev.gradus.optim.Sgd;
import dev.gradus.optim.SgdConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The source material's worked example written as plain API calls, as in the README: a 3-2-1 sigmoid
 * network with every parameter 0.1, one sample [0.1, 0.2, 0.3] with target 0, MSE, plain gradient
 * descent with lr 0.5 for 20 steps. Expected values: ../shared/cases/seed_worked_example.json
 * (PyTorch, float64).
 */
@Tag("blas")
class WorkedExampleTest {
    // float32 arithmetic against float64 PyTorch values: the case file's own tolerance
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;
    private static final double[] TORCH_LOSSES = {0.3044933050893037, 0.24797822708474415, 0.20155947031844987,
        0.16484091118848623, 0.13632937405164294, 0.11427793910364682, 0.09713081755523796, 0.08365645673759584,
        0.07293157834229322, 0.06427942455535464, 0.057206652651318315, 0.051352297163500336, 0.04644998778698383,
        0.04230100207846754, 0.03875530881947983, 0.03569825655149321, 0.033041182945469566, 0.03071473645247187,
        0.02866407975914616, 0.026845407751455826};

    @Test
    void workedExampleAsInTheReadme() {
        for (Backend backend : TestBackends.all()) {
            float[] losses = new float[20];
            // ---- README code starts here (backend = new NativeBackend() or new ReferenceBackend()) ----
            List<LayerSpec> layers = List.of(
                    new DenseSpec(3, 2, Init.constant(0.1f)), new ActivationSpec(Activation.SIGMOID),
                    new DenseSpec(2, 1, Init.constant(0.1f)), new ActivationSpec(Activation.SIGMOID));
            try (Network net = new Network(backend, layers, Loss.MSE, 0);
                 Optimizer sgd = new Sgd(net, SgdConfig.of(0.5f));
                 Tensor x = Tensor.of(1, 3, 0.1f, 0.2f, 0.3f);
                 Tensor y = Tensor.of(1, 1, 0f)) {
                for (int step = 0; step < 20; step++) {
                    net.zeroGrad();
                    float loss = net.forward(x, y);
                    net.backward();
                    sgd.step();
                    losses[step] = loss;   // README: System.out.println("Iteration: " + step + " Loss: " + loss);
                }
                float out = net.predict(x).get(0);   // README: prints 0.1588..., down from 0.5518 (target 0)
                // ---- README code ends here ----
                assertEquals(0.1588, out, 1e-3, backend.name() + ": output after 20 steps (only a rounded value is quoted)");
                for (int step = 0; step < 20; step++) {
                    close(TORCH_LOSSES[step], losses[step], backend.name() + ": loss before step " + step);
                }
                close(-1.0711056796014913, net.parameter("2.bias").value().get(0), "2.bias after 20 steps");
                close(0.10566264019690405, net.parameter("0.weight").value().get(0), "0.weight[0] after 20 steps");
                close(0.1566264019690406, net.parameter("0.bias").value().get(1), "0.bias[1] after 20 steps");
                assertEquals(20, sgd.stepCount());
            }
        }
    }

    @Test
    void firstStepOutputAndGradients() {
        for (Backend backend : TestBackends.all()) {
            List<LayerSpec> layers = List.of(
                    new DenseSpec(3, 2, Init.constant(0.1f)), new ActivationSpec(Activation.SIGMOID),
                    new DenseSpec(2, 1, Init.constant(0.1f)), new ActivationSpec(Activation.SIGMOID));
            try (Network net = new Network(backend, layers, Loss.MSE, 0);
                 Tensor x = Tensor.of(1, 3, 0.1f, 0.2f, 0.3f);
                 Tensor y = Tensor.of(1, 1, 0f)) {
                net.zeroGrad();
                close(0.3044933050893037, net.forward(x, y), "loss");
                close(0.5518091201577804, net.output().get(0), "output");
                net.backward();
                close(0.27294224462808087, net.parameter("2.bias").grad().get(0), "d loss / d 2.bias");
                close(0.14736558049870724, net.parameter("2.weight").grad().get(1), "d loss / d 2.weight[1]");
                close(0.006780071011628381, net.parameter("0.bias").grad().get(0), "d loss / d 0.bias[0]");
                close(0.0020340213034885143, net.parameter("0.weight").grad().get(2), "d loss / d 0.weight[2]");
            }
        }
    }

    private static void close(double want, double got, String what) {
        double tol = ATOL + RTOL * Math.abs(want);
        assertEquals(want, got, tol, what + ": got " + got + ", want " + want);
    }
}
