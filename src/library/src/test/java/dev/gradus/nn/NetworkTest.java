// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Network API: parameter layout and names, passes over changing batch sizes, modes, errors. */
class NetworkTest {

    @Test
    void mlpHasPyTorchNamesShapesAndOneContiguousBuffer() {
        for (Backend b : TestBackends.all()) {
            try (Network net = Network.mlp(b, new int[] {784, 128, 10}, Activation.RELU, Loss.CROSS_ENTROPY, 1)) {
                assertEquals(101_770, net.parameterCount());
                List<Parameter> ps = net.parameters();
                assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), ps.stream().map(Parameter::name).toList());
                assertArrayEquals(new int[] {128, 784}, ps.get(0).shape());
                assertArrayEquals(new int[] {128}, ps.get(1).shape());
                assertArrayEquals(new int[] {10, 128}, ps.get(2).shape());
                long offset = 0;
                for (Parameter p : ps) {
                    assertEquals(offset, p.offset(), p.name() + " starts where the previous one ends");
                    offset += p.value().size();
                    p.value().set(0, 42f);
                    assertEquals(42f, net.parameterBuffer().get((int) p.offset()), p.name() + " is a view of the buffer");
                    p.grad().set(0, 7f);
                    assertEquals(7f, net.gradientBuffer().get((int) p.offset()), p.name() + " grad is a view");
                }
                assertEquals(offset, net.parameterCount());
                net.zeroGrad();
                assertEquals(0.0, b.sumOfSquares(net.gradientBuffer()));
                String summary = net.summary();
                assertTrue(summary.contains("dense(784 -> 128)") && summary.contains("100,480")
                        && summary.contains("101,770"), summary);
            }
        }
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        for (Backend b : TestBackends.all()) {
            try (Network a = Network.mlp(b, new int[] {5, 7, 3}, Activation.TANH, Loss.MSE, 3);
                 Network same = Network.mlp(b, new int[] {5, 7, 3}, Activation.TANH, Loss.MSE, 3);
                 Network other = Network.mlp(b, new int[] {5, 7, 3}, Activation.TANH, Loss.MSE, 4)) {
                assertArrayEquals(a.parameterBuffer().toArray(), same.parameterBuffer().toArray());
                assertFalse(java.util.Arrays.equals(a.parameterBuffer().toArray(), other.parameterBuffer().toArray()));
            }
        }
    }

    @Test
    void weightsDependOnTheSeedOnlyNotOnTheBackend() {
        List<Backend> all = TestBackends.all();
        List<LayerSpec> specs = List.of(new DenseSpec(5, 7, Init.XAVIER_NORMAL), new ActivationSpec(Activation.RELU),
                new DropoutSpec(0.1f), new DenseSpec(7, 3, Init.KAIMING_UNIFORM));
        try (Network a = new Network(all.get(0), specs, Loss.MSE, 77);
             Network b = new Network(all.get(all.size() - 1), specs, Loss.MSE, 77)) {
            assertArrayEquals(a.parameterBuffer().toArray(), b.parameterBuffer().toArray());
            assertTrue(a.summary().contains("dropout(0.1)")
                    && a.summary().contains("relu"), a.summary());
        }
    }

    @Test
    void sameSeedSameBackendTrainsBitIdentically() {
        for (Backend b : TestBackends.all()) {
            float[][] runs = new float[2][];
            for (int run = 0; run < 2; run++) {
                List<LayerSpec> specs = List.of(new DenseSpec(5, 9), new ActivationSpec(Activation.GELU),
                        new DropoutSpec(0.3f), new DenseSpec(9, 3));
                try (Network net = new Network(b, specs, Loss.CROSS_ENTROPY, 123);
                     dev.gradus.optim.Optimizer opt = new dev.gradus.optim.Adam(net, dev.gradus.optim.AdamConfig.adam(0.01f));
                     Tensor x = Tensor.allocate(6, 5).fill(0.3f);
                     Labels y = Labels.of(0, 1, 2, 0, 1, 2)) {
                    for (int step = 0; step < 10; step++) {
                        net.zeroGrad();
                        net.forward(x, y);
                        net.backward();
                        opt.step();
                    }
                    runs[run] = net.parameterBuffer().toArray();
                }
            }
            assertArrayEquals(runs[0], runs[1], b.name() + ": same seed, same backend, same parameters bit for bit");
        }
    }

    @Test
    void changingBatchSizesGiveTheSameRowsAndLosses() {
        for (Backend b : TestBackends.all()) {
            try (Network net = Network.mlp(b, new int[] {4, 6, 3}, Activation.SIGMOID, Loss.CROSS_ENTROPY, 5);
                 Tensor x = Tensor.of(3, 4, 0.1f, -0.2f, 0.3f, 0.4f, 1f, 2f, -1f, 0f, 0.5f, 0.5f, 0.5f, -0.5f);
                 Labels y = Labels.of(0, 2, 1)) {
                float[] all = net.predict(x).toArray();
                for (int r = 0; r < 3; r++) {
                    float[] row = net.predict(x.rows(r, 1)).toArray();
                    for (int c = 0; c < 3; c++) {
                        assertEquals(all[r * 3 + c], row[c], 1e-6f, "row " + r + " col " + c
                                + " (GEMM blocking may round differently per size)");
                    }
                }
                float l3 = net.forward(x, y);
                net.forward(x.rows(0, 2), y.range(0, 2));
                assertEquals(l3, net.forward(x, y), 0f, "the same batch again gives the same loss");
            }
        }
    }

    @Test
    void dropoutMasksFollowTheStepCounterAndEvalModePassesThrough() {
        for (Backend b : TestBackends.all()) {
            List<LayerSpec> specs = List.of(new DenseSpec(6, 32), new DropoutSpec(0.5f), new DenseSpec(32, 2));
            try (Network net = new Network(b, specs, Loss.MSE, 9);
                 Tensor x = Tensor.allocate(4, 6).fill(0.5f);
                 Tensor t = Tensor.allocate(4, 2)) {
                float first = net.forward(x, t);
                float[] mask1 = net.dropoutMask(1).toArray();
                net.forward(x, t);
                float[] mask2 = net.dropoutMask(1).toArray();
                assertFalse(java.util.Arrays.equals(mask1, mask2), "a new mask every training step");
                assertEquals(2, net.dropoutStep());
                net.setDropoutStep(0);
                assertEquals(first, net.forward(x, t), 0f, "same step counter, same mask, same loss");
                assertArrayEquals(mask1, net.dropoutMask(1).toArray());
                float[] eval = net.predict(x).toArray();
                net.train(false);
                net.forward(x, t);
                assertArrayEquals(eval, net.output().toArray(), "eval mode = predict: dropout off");
                assertEquals(1, net.dropoutStep(), "eval passes do not advance the counter");
            }
        }
    }

    @Test
    void nonFiniteGradientIsNamed() {
        for (Backend b : TestBackends.all()) {
            try (Network net = Network.mlp(b, new int[] {2, 3, 1}, Activation.RELU, Loss.MSE, 1)) {
                assertNull(net.firstNonFiniteGradient());
                net.parameter("2.weight").grad().set(1, Float.NaN);
                assertEquals("2.weight", net.firstNonFiniteGradient());
                net.parameter("0.bias").grad().set(0, Float.POSITIVE_INFINITY);
                assertEquals("0.bias", net.firstNonFiniteGradient());
                assertNull(net.firstNonFiniteParameter());
            }
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheShapes() {
        Backend b = TestBackends.all().get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Network(b,
                List.of(new DenseSpec(3, 4), new DenseSpec(5, 2)), Loss.MSE, 1));
        assertTrue(e.getMessage().contains("layer 1: dense(5 -> 2) takes samples [5], got [4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Network(b,
                List.of(new ActivationSpec(Activation.RELU)), Loss.MSE, 1));
        e = assertThrows(IllegalArgumentException.class, () -> new Network(b, Shape.image(1, 2, 2),
                List.of(new DenseSpec(4, 2)), Loss.MSE, 1));
        assertTrue(e.getMessage().contains("layer 0: dense(4 -> 2) takes samples [4], got [1, 2, 2] (put a flatten"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DenseSpec(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new DropoutSpec(1f));
        try (Network net = Network.mlp(b, new int[] {3, 2}, Activation.RELU, Loss.MSE, 1);
             Tensor x = Tensor.allocate(2, 4);
             Tensor good = Tensor.allocate(2, 3);
             Tensor t = Tensor.allocate(2, 3);
             Tensor fits = Tensor.allocate(2, 2);
             Labels y = Labels.of(0, 1)) {
            e = assertThrows(IllegalArgumentException.class, () -> net.forward(x, t));
            assertTrue(e.getMessage().contains("[2, 4]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> net.forward(good, t));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 2]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> net.forward(good, y));
            assertThrows(IllegalStateException.class, net::backward);
            net.forward(good, fits);
            try (Network ce = Network.mlp(b, new int[] {3, 2}, Activation.RELU, Loss.CROSS_ENTROPY, 1);
                 Labels bad = Labels.of(0, 5)) {
                ce.forward(good, y);
                e = assertThrows(IllegalArgumentException.class, () -> ce.forward(good, bad));
                assertTrue(e.getMessage().contains("label 5"), e.getMessage());
                assertThrows(IllegalStateException.class, ce::backward, "a failed forward leaves nothing to back-propagate");
            }
            assertThrows(IllegalArgumentException.class, () -> net.parameter("1.weight"));
        }
        Network closed = Network.mlp(b, new int[] {3, 2}, Activation.RELU, Loss.MSE, 1);
        closed.close();
        closed.close();
        try (Tensor x = Tensor.allocate(1, 3)) {
            assertThrows(IllegalStateException.class, () -> closed.predict(x));
        }
    }

    @Test
    void initializersHaveTheirDocumentedRanges() {
        Backend b = TestBackends.all().get(0);
        int in = 200;
        int out = 300;
        check(b, Init.TORCH_DEFAULT, in, out, 1 / Math.sqrt(in), 1 / Math.sqrt(in) / Math.sqrt(3), true);
        check(b, Init.XAVIER_UNIFORM, in, out, Math.sqrt(6.0 / (in + out)), Math.sqrt(2.0 / (in + out)), false);
        check(b, Init.KAIMING_UNIFORM, in, out, Math.sqrt(6.0 / in), Math.sqrt(2.0 / in), false);
        check(b, Init.XAVIER_NORMAL, in, out, Double.POSITIVE_INFINITY, Math.sqrt(2.0 / (in + out)), false);
        check(b, Init.KAIMING_NORMAL, in, out, Double.POSITIVE_INFINITY, Math.sqrt(2.0 / in), false);
        try (Network net = new Network(b, List.of(new DenseSpec(3, 2, Init.constant(0.25f))), Loss.MSE, 0)) {
            for (float v : net.parameterBuffer().toArray()) {
                assertEquals(0.25f, v);
            }
        }
        assertEquals(Init.constant(0.5f), Init.parse("constant:0.5"));
        assertEquals(Init.KAIMING_NORMAL, Init.parse(Init.KAIMING_NORMAL.label()));
    }

    /** Weight values within ±bound, standard deviation within 3% of the expected one (60,000 draws: ~0.3% noise). */
    private static void check(Backend b, Init init, int in, int out, double bound, double std, boolean randomBias) {
        try (Network net = new Network(b, List.of(new DenseSpec(in, out, init)), Loss.MSE, 2)) {
            float[] w = net.parameter("0.weight").value().toArray();
            double sum = 0;
            double sq = 0;
            for (float v : w) {
                assertTrue(Math.abs(v) <= bound, init + ": weight " + v + " outside ±" + bound);
                sum += v;
                sq += (double) v * v;
            }
            double mean = sum / w.length;
            double sd = Math.sqrt(sq / w.length - mean * mean);
            assertEquals(std, sd, 0.03 * std, init + ": weight standard deviation");
            assertEquals(0, mean, 0.03 * std, init + ": weight mean");
            float[] bias = net.parameter("0.bias").value().toArray();
            boolean anyNonZero = false;
            for (float v : bias) {
                anyNonZero |= v != 0;
                assertTrue(Math.abs(v) <= 1 / Math.sqrt(in), init + ": bias " + v);
            }
            assertEquals(randomBias, anyNonZero, init + ": bias random only for torch_default");
        }
    }

    /** Flatten, and dropout where it drops nothing, pass their input on: the workspace holds no tensor for them. */
    @Test
    void passThroughLayersGetNoOutputOrGradientTensors() {
        try (Network net = new Network(Backend.named("java"), Shape.image(2, 6, 6), List.of(new Conv2dSpec(2, 3, 3, 1, 0),
                Pool2dSpec.max(2), new FlattenSpec(), new DropoutSpec(0.5f), new DenseSpec(12, 4), new DropoutSpec(0f),
                new ActivationSpec(Activation.RELU), new DenseSpec(4, 3)), Loss.CROSS_ENTROPY, 1)) {
            Layer[] layers = net.inferenceLayers();
            try (Workspace training = new Workspace(5, layers, true); Workspace inference = new Workspace(5, layers, false)) {
                training.ensureGrads(layers);
                boolean[] trainingOut = {true, true, false, true, true, false, true, true};
                boolean[] inferenceOut = {true, true, false, false, true, false, true, true};
                // grad[j] is written by layer j + 1: grad[1] and grad[4] would be flatten's and dropout(0)'s to write
                boolean[] grads = {true, false, true, true, false, true, true, true};
                for (int i = 0; i < layers.length; i++) {
                    assertEquals(trainingOut[i], training.out[i] != null, "training output of layer " + i);
                    assertEquals(inferenceOut[i], inference.out[i] != null, "inference output of layer " + i);
                    assertEquals(grads[i], training.grad[i] != null, "gradient of layer " + i + "'s output");
                }
            }
        }
    }
}
