// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batchnorm and layernorm in a network: shapes, buffers, training versus eval mode, and bad input. */
class NormLayersTest {

    private static List<LayerSpec> bn1d() {
        return List.of(new DenseSpec(3, 4), BatchNormSpec.of1d(4), new ActivationSpec(Activation.RELU),
                new DenseSpec(4, 2));
    }

    @Test
    void aNetworkRefusesNormLayersThatDoNotFitTheirInput() {
        expect("batchnorm2d(4) takes images [4, H, W], got [3, 5, 5]",
                () -> new Network(Backend.named("java"), Shape.image(3, 5, 5), List.of(BatchNormSpec.of2d(4)), Loss.MSE, 1));
        expect("batchnorm1d(3) takes samples [3], got [3, 5, 5]",
                () -> new Network(Backend.named("java"), Shape.image(3, 5, 5), List.of(BatchNormSpec.of1d(3)), Loss.MSE, 1));
        expect("batchnorm1d(5) takes samples [5], got [4]",
                () -> new Network(Backend.named("java"), List.of(new DenseSpec(3, 4), BatchNormSpec.of1d(5)), Loss.MSE, 1));
        expect("layernorm([5, 5]) normalizes the trailing dims [5, 5] of its input, got [3, 5, 4]",
                () -> new Network(Backend.named("java"), Shape.image(3, 5, 4), List.of(LayerNormSpec.of(5, 5)), Loss.MSE, 1));
        expect("layernorm(normalized_shape=[2, 3, 5, 4], eps=1.0E-5): normalized_shape must be 1 to 3 sizes",
                () -> LayerNormSpec.of(2, 3, 5, 4));
        expect("momentum in [0, 1]", () -> new BatchNormSpec(false, 3, 1e-5, 1.5));
    }

    @Test
    void oneValuePerChannelIsRefusedInTrainingAndTakenInEval() {
        for (Backend b : dev.gradus.nn.TestBackends.all()) {
            try (Network net = new Network(b, bn1d(), Loss.MSE, 3);
                 Tensor x = Tensor.of(1, 3, 1, 2, 3); Tensor t = Tensor.of(1, 2, 0, 1)) {
                expect("layer 1 batchnorm1d(4): expected more than 1 value per channel when training, got input [1, 4]",
                        () -> net.forward(x, t));
                assertEquals(0, net.buffer("1.num_batches_tracked").count(), "a refused forward counts no batch");
                net.train(false);
                assertTrue(Float.isFinite(net.forward(x, t)));
                net.backward();
                assertEquals(2, net.predict(x).cols());
            }
            // BatchNorm2d: one sample of 1x1 planes is one value per channel; of 2x1 planes it is two
            try (Network one = new Network(b, Shape.image(2, 1, 1), List.of(BatchNormSpec.of2d(2)), Loss.MSE, 3);
                 Network two = new Network(b, Shape.image(2, 2, 1), List.of(BatchNormSpec.of2d(2)), Loss.MSE, 3);
                 Tensor x1 = Tensor.of(1, 2, 1, 2); Tensor t1 = Tensor.of(1, 2, 0, 0);
                 Tensor x2 = Tensor.of(1, 4, 1, 2, 3, 4); Tensor t2 = Tensor.of(1, 4, 0, 0, 0, 0)) {
                expect("expected more than 1 value per channel when training", () -> one.forward(x1, t1));
                assertTrue(Float.isFinite(two.forward(x2, t2)));
            }
        }
    }

    @Test
    void trainingUpdatesTheBuffersAndEvalModeUsesThemUnchanged() {
        for (Backend b : dev.gradus.nn.TestBackends.all()) {
            try (Network net = new Network(b, bn1d(), Loss.MSE, 3);
                 Tensor x = Tensor.of(4, 3, 1, 2, 3, -1, 0, 2, 4, -3, 1, 0.5f, 0.25f, -2);
                 Tensor t = Tensor.of(4, 2, 0, 1, 1, 0, 0, 0, 1, 1)) {
                assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked"),
                        net.buffers().stream().map(Buffer::name).toList());
                assertThrows(IllegalStateException.class, () -> net.buffer("1.running_mean").count());
                assertThrows(IllegalStateException.class, () -> net.buffer("1.num_batches_tracked").value());
                net.forward(x, t);
                net.forward(x, t);
                assertEquals(2, net.buffer("1.num_batches_tracked").count());
                float[] mean = net.buffer("1.running_mean").value().toArray();
                float[] var = net.buffer("1.running_var").value().toArray();
                assertFalse(java.util.Arrays.equals(new float[4], mean), "the running mean moved");

                float[] predicted = net.predict(x).toArray();
                float[] predictedByRow = new float[predicted.length];
                try (Predictor p = net.predictor()) {
                    for (int r = 0; r < 4; r++) {
                        float[] row = new float[3];
                        x.copyTo(r * 3, row, 0, 3);
                        System.arraycopy(p.predict(row), 0, predictedByRow, r * 2, 2);   // one row: eval mode only
                    }
                }
                net.train(false);
                net.forward(x, t);
                assertArrayEquals(predicted, net.output().toArray(), "predict is the eval-mode forward");
                for (int k = 0; k < predicted.length; k++) {
                    assertEquals(predicted[k], predictedByRow[k], 1e-6f, "in eval mode a row does not depend on its batch, element " + k);
                }
                assertArrayEquals(mean, net.buffer("1.running_mean").value().toArray(), "eval mode leaves the statistics");
                assertArrayEquals(var, net.buffer("1.running_var").value().toArray());
                assertEquals(2, net.buffer("1.num_batches_tracked").count());
                expect("no buffer named '0.running_mean'", () -> net.buffer("0.running_mean"));
            }
        }
    }

    @Test
    void layerNormHasNoBuffersAndIsTheSameInBothModes() {
        for (Backend b : dev.gradus.nn.TestBackends.all()) {
            try (Network net = new Network(b, Shape.image(2, 3, 2), List.of(LayerNormSpec.of(3, 2), new FlattenSpec(),
                    new DenseSpec(12, 1)), Loss.MSE, 3);
                 Tensor x = Tensor.of(1, 12, 1, 2, 3, 4, 5, 6, -1, -2, -3, 0, 9, 8); Tensor t = Tensor.of(1, 1, 0.5f)) {
                assertTrue(net.buffers().isEmpty());
                assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"),
                        net.parameters().stream().map(Parameter::name).toList());
                assertArrayEquals(new int[] {3, 2}, net.parameter("0.weight").shape());
                net.forward(x, t);
                float[] training = net.output().toArray();
                assertArrayEquals(training, net.predict(x).toArray());
            }
        }
    }

    private static void expect(String message, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), "'" + message + "' in: " + e.getMessage());
    }
}
