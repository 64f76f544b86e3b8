// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import static dev.gradus.io.OnnxExportTest.COMPARED;
import static dev.gradus.io.OnnxExportTest.TOLERANCE;
import static dev.gradus.io.OnnxExportTest.maxDifference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.TensorInfo;
import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.data.Dataset;
import dev.gradus.data.MnistIdx;
import dev.gradus.data.Standardization;
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.BatchNormSpec;
import dev.gradus.nn.Buffer;
import dev.gradus.nn.Conv2dSpec;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.FlattenSpec;
import dev.gradus.nn.Init;
import dev.gradus.nn.LayerNormSpec;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.nn.Pool2dSpec;
import dev.gradus.nn.Shape;
import dev.gradus.optim.Adam;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.Optimizer;
import dev.gradus.train.TrainConfig;
import dev.gradus.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolutional networks on MNIST's [1, 28, 28] images, exported and run in ONNX Runtime on 2,000 MNIST
 * test images fed as {@code [N, 1, 28, 28]}: a LeNet-5 and a CNN with batchnorm and layernorm trained
 * for an epoch, and untrained networks of
 * awkward geometry (dilation, stride larger than the kernel, padding, non-square kernels and pools, no
 * bias, count_include_pad both ways, an image output) on both backends. Every output agrees with
 * Gradus's {@code predict} within 1e-5 (max |difference|). Conv runs through OpenBLAS, so this runs
 * under each kernel ("blas").
 */
@Tag("blas")
class OnnxConvolutionExportTest {
    static final Shape MNIST = Shape.image(1, 28, 28);
    private static Dataset test;
    private static Dataset training;
    private static Dataset compared;

    @BeforeAll
    static void loadMnist() throws Exception {
        String shared = System.getProperty("gradus.shared");
        assertTrue(shared != null, "system property gradus.shared is not set (the pom sets it to ../shared)");
        Path mnist = Path.of(shared, "data", "mnist");
        assertTrue(Files.isDirectory(mnist), "MNIST is missing: no directory " + mnist.toAbsolutePath());
        test = MnistIdx.test(mnist);
        int[] rows = new int[test.size() - COMPARED];
        Arrays.setAll(rows, i -> COMPARED + i);
        training = test.subset(rows);        // the last 8,000 test images train, the first 2,000 are compared
        compared = test.head(COMPARED);
    }

    @AfterAll
    static void close() {
        for (Dataset d : new Dataset[] {compared, training, test}) {
            if (d != null) {
                d.close();
            }
        }
    }

    /** LeNet-5 as in the issue: conv(6, 5, padding 2) relu maxpool(2) conv(16, 5) relu maxpool(2) flatten 120-84-10. */
    static List<LayerSpec> lenet5() {
        return ModelNotation.parse("lenet5", MNIST);
    }

    private static ActivationSpec relu() {
        return new ActivationSpec(Activation.RELU);
    }

    @Test
    void aLeNet5TrainedOnMnistRunsInOnnxRuntimeAsInGradus() throws Exception {
        try (Network net = new Network(Backend.named("native"), MNIST, lenet5(), Loss.CROSS_ENTROPY, 5);
             Optimizer adam = new Adam(net, AdamConfig.adam(1e-3f))) {
            new Trainer(net, adam, TrainConfig.of(1, 64, 3)).fit(training);
            byte[] onnx = OnnxExport.toBytes(net, Map.of());
            float[] x = compared.features().toArray();
            float[] logits = net.predict(compared.features()).toArray();
            try (OnnxRuntime rt = new OnnxRuntime(onnx)) {
                TensorInfo in = (TensorInfo) rt.inputs().get(OnnxExport.INPUT).getInfo();
                assertArrayEquals(new long[] {-1, 1, 28, 28}, in.getShape());
                for (String o : List.of(OnnxExport.LOGITS, OnnxExport.PROBABILITIES)) {
                    assertArrayEquals(new long[] {-1, 10}, ((TensorInfo) rt.outputs().get(o).getInfo()).getShape());
                }
                assertEquals(new Architecture(MNIST, lenet5(), Loss.CROSS_ENTROPY),
                        Architecture.parse(rt.metadata().getCustomMetadata().get(OnnxExport.KEY_ARCHITECTURE)));
                Map<String, float[]> ort = rt.run(OnnxExport.INPUT, x, new long[] {COMPARED, 1, 28, 28});
                double worst = maxDifference(logits, ort.get(OnnxExport.LOGITS));
                double worstP = maxDifference(softmax(logits), ort.get(OnnxExport.PROBABILITIES));
                System.out.printf(Locale.ROOT, "[onnx] LeNet-5, one epoch on 8,000 MNIST images: max |ONNX Runtime - Gradus| %.3g"
                        + " over %d x 10 logits (largest |logit| %.3g), probabilities %.3g; accuracy %.2f%%%n",
                        worst, COMPARED, largest(logits), worstP, 100.0 * agreeing(logits, compared) / COMPARED);
                assertTrue(worst <= TOLERANCE, "LeNet-5 logits differ by " + worst);
                assertTrue(worstP <= TOLERANCE, "LeNet-5 probabilities differ by " + worstP);
                assertTrue(agreeing(logits, compared) > COMPARED * 0.8, "trained weights, not an initialization's");
            }
        }
    }

    /**
     * A small CNN with every norm: batchnorm2d after each conv, layernorm over a conv's [H, W] planes
     * (ONNX axis 2), batchnorm1d and layernorm over [F] (axis 1) after a dense layer.
     */
    static List<LayerSpec> normCnn() {
        return List.of(new Conv2dSpec(1, 6, 5, 1, 2), BatchNormSpec.of2d(6), relu(), Pool2dSpec.max(2),
                new Conv2dSpec(6, 12, 5), BatchNormSpec.of2d(12), LayerNormSpec.of(10, 10), relu(), Pool2dSpec.max(2),
                new FlattenSpec(), new DenseSpec(300, 64), BatchNormSpec.of1d(64), relu(), LayerNormSpec.of(64),
                new DenseSpec(64, 10));
    }

    /**
     * Trained for an epoch, the batchnorms' running statistics are far from their initial 0 and 1: the
     * export normalizes with them, as {@code predict} (eval mode) does.
     */
    @Test
    void aCnnWithBatchnormAndLayernormTrainedOnMnistRunsInOnnxRuntimeAsInGradus() throws Exception {
        try (Network net = new Network(Backend.named("native"), MNIST, normCnn(), Loss.CROSS_ENTROPY, 6);
             Optimizer adam = new Adam(net, AdamConfig.adam(1e-3f))) {
            new Trainer(net, adam, TrainConfig.of(1, 64, 3)).fit(training);
            Buffer var = net.buffer("1.running_var");
            assertEquals((training.size() + 63) / 64, net.buffer("1.num_batches_tracked").count());
            assertTrue(maxDifference(var.value().toArray(), ones(6)) > 0.01, "running_var moved: " + var.value());
            float[] logits = net.predict(compared.features()).toArray();
            try (OnnxRuntime rt = new OnnxRuntime(OnnxExport.toBytes(net, Map.of()))) {
                float[] ort = rt.run(OnnxExport.INPUT, compared.features().toArray(), new long[] {COMPARED, 1, 28, 28})
                        .get(OnnxExport.LOGITS);
                double worst = maxDifference(logits, ort);
                System.out.printf(Locale.ROOT, "[onnx] CNN with batchnorm2d, batchnorm1d and layernorm, one epoch on 8,000 MNIST"
                        + " images: max |ONNX Runtime - Gradus| %.3g over %d x 10 logits (largest |logit| %.3g); accuracy %.2f%%%n",
                        worst, COMPARED, largest(logits), 100.0 * agreeing(logits, compared) / COMPARED);
                assertTrue(worst <= TOLERANCE, "logits differ by " + worst);
                assertTrue(agreeing(logits, compared) > COMPARED * 0.8, "trained weights, not an initialization's");
            }
        }
    }

    /**
     * The same CNN on both backends, untrained but with every norm's γ, β and batchnorm's running mean
     * and variance drawn away from their initial values.
     */
    @Test
    void normsWithDrawnStatisticsRunInOnnxRuntimeAsOnBothBackends() throws Exception {
        for (String backend : List.of("native", "java")) {
            try (Network net = new Network(Backend.named(backend), MNIST, normCnn(), Loss.CROSS_ENTROPY, 4)) {
                SplittableRandom rng = new SplittableRandom(9);
                for (int i = 0; i < net.layers().size(); i++) {
                    if (net.layers().get(i) instanceof BatchNormSpec || net.layers().get(i) instanceof LayerNormSpec) {
                        draw(net.parameter(i + ".weight").value(), rng, 0.5, 1.5);
                        draw(net.parameter(i + ".bias").value(), rng, -0.5, 0.5);
                    }
                }
                for (Buffer b : net.buffers()) {
                    if (!b.isCounter()) {
                        draw(b.value(), rng, b.name().endsWith("running_var") ? 0.5 : -0.5, b.name().endsWith("running_var") ? 2 : 0.5);
                    }
                }
                float[] gradus = net.predict(compared.features()).toArray();
                try (OnnxRuntime rt = new OnnxRuntime(OnnxExport.toBytes(net, Map.of()))) {
                    float[] ort = rt.run(OnnxExport.INPUT, compared.features().toArray(), new long[] {COMPARED, 1, 28, 28})
                            .get(OnnxExport.LOGITS);
                    double worst = maxDifference(gradus, ort);
                    System.out.printf(Locale.ROOT, "[onnx] norms with drawn statistics, %s backend: max |ONNX Runtime - Gradus| %.3g"
                            + " over %d x 10 logits (largest |logit| %.3g)%n", backend, worst, COMPARED, largest(gradus));
                    assertTrue(worst <= TOLERANCE, backend + ": logits differ by " + worst);
                }
            }
        }
    }

    private static void draw(Tensor t, SplittableRandom rng, double from, double to) {
        float[] v = new float[t.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) rng.nextDouble(from, to);
        }
        t.copyFrom(v);
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }

    static Stream<Arguments> geometries() {
        Init torch = Init.TORCH_DEFAULT;
        List<Arguments> nets = new ArrayList<>();
        // kernel 3x2 dilated 2 (reaches 5x3), padding 3x1, no bias; average over 3x3, stride 2, padding 1, not counting the padding
        nets.add(Arguments.of("dilation 2, non-square kernel, padding 3x1, no bias, avgpool count_include_pad false", List.of(
                new Conv2dSpec(1, 4, 3, 2, 1, 1, 3, 1, 2, 2, false, torch), relu(),
                new Pool2dSpec(false, 3, 3, 2, 2, 1, 1, false), new FlattenSpec(), new DenseSpec(4 * 15 * 14, 10)),
                Loss.CROSS_ENTROPY));
        // a 2x2 kernel at stride 3 skips a row and a column; max over 2x3 at stride 1x2 with padding 1
        nets.add(Arguments.of("stride 3 > kernel 2, maxpool 2x3 stride 1x2 padding 1", List.of(
                new Conv2dSpec(1, 3, 2, 2, 3, 3, 0, 0, 1, 1, true, torch), new ActivationSpec(Activation.TANH),
                new Pool2dSpec(true, 2, 3, 1, 2, 1, 1, true), new FlattenSpec(), new DenseSpec(3 * 10 * 5, 10)),
                Loss.CROSS_ENTROPY));
        // 1x1 kernel at stride 2x1 over padding 2, padded average 2x3 at stride 2x3, a second conv dilated 1x3, gelu on images
        nets.add(Arguments.of("1x1 kernel padding 2, avgpool count_include_pad true with padding, dilation 1x3", List.of(
                new Conv2dSpec(1, 5, 1, 1, 2, 1, 2, 2, 1, 1, true, torch), new ActivationSpec(Activation.SIGMOID),
                new Pool2dSpec(false, 2, 3, 2, 3, 1, 1, true),
                new Conv2dSpec(5, 3, 3, 3, 1, 1, 0, 2, 1, 3, true, torch), new ActivationSpec(Activation.GELU),
                new FlattenSpec(), new DenseSpec(3 * 7 * 9, 10)), Loss.BCE_WITH_LOGITS));
        // the output is an image [2, 4, 4]: the graph flattens it to the rows predict returns
        nets.add(Arguments.of("an image output, stride 2, elu, maxpool 3", List.of(
                new Conv2dSpec(1, 2, 5, 5, 2, 2, 0, 0, 1, 1, true, torch), new ActivationSpec(Activation.elu(0.7f)),
                Pool2dSpec.max(3)), Loss.MSE));
        return nets.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void awkwardGeometriesRunInOnnxRuntimeAsInGradus(String name, List<LayerSpec> layers, Loss loss) throws Exception {
        float[] x = compared.features().toArray();
        for (String backend : List.of("native", "java")) {
            try (Network net = new Network(Backend.named(backend), MNIST, layers, loss, 11);
                 OnnxRuntime rt = new OnnxRuntime(OnnxExport.toBytes(net, Map.of()))) {
                float[] gradus = net.predict(compared.features()).toArray();
                float[] ort = rt.run(OnnxExport.INPUT, x, new long[] {COMPARED, 1, 28, 28}).get(OnnxExport.outputNames(loss).get(0));
                assertArrayEquals(new long[] {-1, net.outFeatures()},
                        ((TensorInfo) rt.outputs().get(OnnxExport.outputNames(loss).get(0)).getInfo()).getShape());
                double worst = maxDifference(gradus, ort);
                System.out.printf(Locale.ROOT, "[onnx] %s, %s backend: max |ONNX Runtime - Gradus| %.3g over %d x %d outputs%n",
                        name, backend, worst, COMPARED, net.outFeatures());
                assertTrue(worst <= TOLERANCE, name + " on " + backend + ": differs by " + worst);
            }
        }
    }

    /**
     * A per-pixel standardization (each pixel's own mean, MNIST's usual 0.3081 scale) is baked into the
     * graph as [1, 28, 28] statistics broadcast over the batch: the file takes raw images, as
     * {@code predict} of a standardized model does.
     */
    @Test
    void aStandardizationOfImagesIsBakedInPerPixel() throws Exception {
        float[] mean = Standardization.fit(training.features()).mean();
        float[] scale = new float[mean.length];
        Arrays.fill(scale, 0.3081f);
        Standardization s = new Standardization(mean, scale);
        try (Network net = new Network(Backend.named("native"), MNIST, lenet5(), Loss.CROSS_ENTROPY, 8);
             Tensor standardized = Tensor.allocate(COMPARED, 784).copyFrom(compared.features());
             OnnxRuntime rt = new OnnxRuntime(OnnxExport.toBytes(net, Map.of(), s))) {
            float[] gradus = net.predict(s.apply(standardized)).toArray();
            float[] ort = rt.run(OnnxExport.INPUT, compared.features().toArray(), new long[] {COMPARED, 1, 28, 28})
                    .get(OnnxExport.LOGITS);
            double worst = maxDifference(gradus, ort);
            System.out.printf(Locale.ROOT, "[onnx] LeNet-5 with a per-pixel standardization: max |ONNX Runtime - Gradus| %.3g%n", worst);
            assertTrue(worst <= TOLERANCE, "differs by " + worst);
        }
    }

    private static float[] softmax(float[] logits) {
        float[] p = new float[logits.length];
        for (int r = 0; r < logits.length / 10; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 10; c++) {
                max = Math.max(max, logits[r * 10 + c]);
            }
            double sum = 0;
            for (int c = 0; c < 10; c++) {
                sum += Math.exp(logits[r * 10 + c] - max);
            }
            for (int c = 0; c < 10; c++) {
                p[r * 10 + c] = (float) (Math.exp(logits[r * 10 + c] - max) / sum);
            }
        }
        return p;
    }

    private static double largest(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** How many rows' argmax is the row's label. */
    private static int agreeing(float[] logits, Dataset data) {
        int right = 0;
        for (int r = 0; r < data.size(); r++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                best = logits[r * 10 + c] > logits[r * 10 + best] ? c : best;
            }
            right += best == data.labels().get(r) ? 1 : 0;
        }
        return right;
    }
}
