// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.TensorInfo;
import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.Version;
import dev.gradus.backend.Backend;
import dev.gradus.data.Dataset;
import dev.gradus.data.MnistIdx;
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.DropoutSpec;
import dev.gradus.nn.Shape;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.optim.Adam;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.Optimizer;
import dev.gradus.train.TrainConfig;
import dev.gradus.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Networks trained briefly on MNIST, exported, and run in ONNX Runtime on 2,000 MNIST test images:
 * every output agrees with Gradus's own within 1e-5 (max |difference|), for every activation, dropout,
 * and each kind of output (logits and their softmax or sigmoid, a regression output, a bce network's
 * own sigmoid). ONNX Runtime's GEMMs round differently from OpenBLAS's kernels, so this runs under each
 * kernel ("blas").
 */
@Tag("blas")
class OnnxExportTest {
    static final double TOLERANCE = 1e-5;
    static final int COMPARED = 2000;
    private static Dataset test;
    private static Dataset training;
    private static Dataset compared;

    @TempDir Path dir;

    @BeforeAll
    static void loadMnist() throws Exception {
        String shared = System.getProperty("gradus.shared");
        assertTrue(shared != null, "system property gradus.shared is not set (the pom sets it to ../shared)");
        Path mnist = Path.of(shared, "data", "mnist");
        assertTrue(Files.isDirectory(mnist), "MNIST is missing: no directory " + mnist.toAbsolutePath());
        test = MnistIdx.test(mnist);
        int[] rows = new int[test.size() - COMPARED];
        java.util.Arrays.setAll(rows, i -> COMPARED + i);
        training = test.subset(rows);        // the test set's last 8,000 images train, its first 2,000 are compared
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

    static Stream<Arguments> networks() {
        List<Arguments> nets = new ArrayList<>();
        for (Activation a : List.of(Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU,
                Activation.leakyRelu(0.1f), Activation.elu(0.8f), Activation.GELU, Activation.SOFTPLUS, Activation.SOFTMAX)) {
            nets.add(Arguments.of(a.toString() + ", cross_entropy", mlp(a, true), Loss.CROSS_ENTROPY));
        }
        nets.add(Arguments.of("relu, bce_with_logits", mlp(Activation.RELU, false), Loss.BCE_WITH_LOGITS));
        nets.add(Arguments.of("tanh, mse", mlp(Activation.TANH, false), Loss.MSE));
        List<LayerSpec> bce = new ArrayList<>(mlp(Activation.GELU, false));
        bce.add(new ActivationSpec(Activation.SIGMOID));
        nets.add(Arguments.of("gelu, sigmoid output, bce", bce, Loss.BCE));
        return nets.stream();
    }

    /** 784-64-32-10 with {@code a} after each hidden dense layer, optionally a dropout after the first. */
    static List<LayerSpec> mlp(Activation a, boolean dropout) {
        List<LayerSpec> layers = new ArrayList<>();
        layers.add(new DenseSpec(784, 64));
        layers.add(new ActivationSpec(a));
        if (dropout) {
            layers.add(new DropoutSpec(0.2f));
        }
        layers.add(new DenseSpec(64, 32));
        layers.add(new ActivationSpec(a));
        layers.add(new DenseSpec(32, 10));
        return layers;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void onnxRuntimeComputesWhatGradusComputesOnMnistTestImages(String name, List<LayerSpec> layers, Loss loss)
            throws Exception {
        try (Network net = new Network(Backend.named("native"), layers, loss, 7)) {
            trainOneEpoch(net);
            byte[] onnx = OnnxExport.toBytes(net, Map.of("classes", "[\"0\",\"1\"]"));
            float[] x = compared.features().toArray();
            Map<String, float[]> ort;
            try (OnnxRuntime rt = new OnnxRuntime(onnx)) {
                ort = rt.run(OnnxExport.INPUT, x, COMPARED, 784);
            }
            assertEquals(OnnxExport.outputNames(loss), List.copyOf(ort.keySet()));
            float[] gradus = net.predict(compared.features()).toArray();
            double worst = maxDifference(gradus, ort.get(ort.keySet().iterator().next()));
            double worstP = 0;
            if (ort.containsKey(OnnxExport.PROBABILITIES)) {
                worstP = maxDifference(probabilities(gradus, loss), ort.get(OnnxExport.PROBABILITIES));
            }
            System.out.printf(Locale.ROOT, "[onnx] %s: max |ONNX Runtime - Gradus| %.3g over %d x %d outputs%s; largest |output| %.3g%n",
                    name, worst, COMPARED, 10, ort.containsKey(OnnxExport.PROBABILITIES)
                            ? String.format(Locale.ROOT, ", probabilities %.3g", worstP) : "", largest(gradus));
            assertTrue(worst <= TOLERANCE, name + ": outputs differ by " + worst);
            assertTrue(worstP <= TOLERANCE, name + ": probabilities differ by " + worstP);
        }
    }

    private static void trainOneEpoch(Network net) {
        Loss loss = net.loss();
        try (Optimizer adam = new Adam(net, AdamConfig.adam(1e-3f))) {
            if (loss.usesLabels()) {
                new Trainer(net, adam, TrainConfig.of(1, 64, 3)).fit(training);
                return;
            }
            Tensor oneHot = Tensor.allocate(training.size(), 10);   // the targets: each label one-hot
            for (int i = 0; i < training.size(); i++) {
                oneHot.set(i, training.labels().get(i), 1f);
            }
            try (Dataset targets = Dataset.regression(Tensor.allocate(training.size(), 784).copyFrom(training.features()), oneHot)) {
                new Trainer(net, adam, TrainConfig.of(1, 64, 3)).fit(targets);
            }
        }
    }

    /** Softmax per row (cross_entropy) or sigmoid (bce_with_logits) of Gradus's logits, in double. */
    private static float[] probabilities(float[] logits, Loss loss) {
        float[] p = new float[logits.length];
        if (loss.kind() == Loss.Kind.BCE_WITH_LOGITS) {
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (1 / (1 + Math.exp(-logits[i])));
            }
            return p;
        }
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

    static double maxDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length, "output sizes");
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!(d <= worst)) {
                worst = d;   // NaN included: it fails the comparison
            }
        }
        return worst;
    }

    private static double largest(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * Each activation over [-40, 40], past its thresholds and into its tails (softplus's x above 20,
     * ELU's saturation, GELU's erf tails), behind an identity dense layer: ONNX Runtime's operators
     * compute Gradus's functions, on both backends.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void eachActivationMapsToOperatorsThatComputeIt(Activation a) throws Exception {
        int rows = 4000;
        float[] x = new float[rows * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = -40f + 80f * i / (x.length - 1);
        }
        for (String backend : List.of("native", "java")) {
            try (Network net = new Network(Backend.named(backend), List.of(new DenseSpec(4, 4), new ActivationSpec(a)), Loss.MSE, 1);
                 Tensor input = Tensor.allocate(rows, 4).copyFrom(x);
                 OnnxRuntime rt = new OnnxRuntime(OnnxExport.toBytes(identity(net), Map.of()))) {
                float[] gradus = net.predict(input).toArray();
                double worst = maxDifference(gradus, rt.run(OnnxExport.INPUT, x, rows, 4).get(OnnxExport.OUTPUT));
                System.out.printf(Locale.ROOT, "[onnx] %s on [-40, 40], %s backend: max |ONNX Runtime - Gradus| %.3g%n", a, backend, worst);
                assertTrue(worst <= TOLERANCE, a + " on the " + backend + " backend: differs by " + worst);
            }
        }
    }

    /** A model trained on standardized features exports with the standardization in front: raw features in. */
    @Test
    void theStandardizationIsBakedIntoTheGraph() throws Exception {
        int rows = 500;
        float[] raw = new float[rows * 3];
        for (int i = 0; i < rows; i++) {
            raw[3 * i] = 1000f + 7.3f * i;          // grams
            raw[3 * i + 1] = 3f + 0.001f * i;       // pH
            raw[3 * i + 2] = (i % 7) - 3f;
        }
        try (Network net = new Network(Backend.named("java"), List.of(new DenseSpec(3, 8), new ActivationSpec(Activation.TANH),
                     new DenseSpec(8, 2)), Loss.CROSS_ENTROPY, 3);
             Tensor x = Tensor.allocate(rows, 3).copyFrom(raw)) {
            dev.gradus.data.Standardization s = dev.gradus.data.Standardization.fit(x);
            float[] gradus = net.predict(s.apply(x)).toArray();   // what Gradus feeds the network
            try (OnnxRuntime rt = new OnnxRuntime(OnnxExport.toBytes(net, Map.of(), s))) {
                double worst = maxDifference(gradus, rt.run(OnnxExport.INPUT, raw, rows, 3).get(OnnxExport.LOGITS));
                System.out.printf(Locale.ROOT, "[onnx] standardized 3-8-2 tanh: max |ONNX Runtime - Gradus| %.3g%n", worst);
                assertTrue(worst <= TOLERANCE, "differs by " + worst);
            }
            assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(net, Map.of(),
                    new dev.gradus.data.Standardization(new float[] {0f}, new float[] {1f})));
        }
    }

    static Stream<Activation> activations() {
        return Stream.of(Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.leakyRelu(0.01f),
                Activation.leakyRelu(-0.5f), Activation.elu(1f), Activation.elu(2.5f), Activation.GELU, Activation.SOFTPLUS,
                Activation.SOFTMAX);
    }

    /** Sets the first layer of {@code net} to the identity (weight I, bias 0). */
    private static Network identity(Network net) {
        float[] w = new float[16];
        for (int i = 0; i < 4; i++) {
            w[i * 5] = 1f;
        }
        net.parameter("0.weight").value().copyFrom(w);
        net.parameter("0.bias").value().zero();
        return net;
    }

    @Test
    void theFileNamesItsInputOutputsShapesAndTheModelsMetadata() throws Exception {
        List<LayerSpec> layers = mlp(Activation.RELU, true);
        try (Network net = new Network(Backend.named("java"), layers, Loss.CROSS_ENTROPY, 1)) {
            Path file = dir.resolve("model.onnx");
            OnnxExport.write(file, net, Map.of("classes", "[\"zero\",\"one\"]"));
            try (OnnxRuntime rt = new OnnxRuntime(Files.readAllBytes(file))) {
                assertEquals(List.of(OnnxExport.INPUT), List.copyOf(rt.inputs().keySet()));
                TensorInfo in = (TensorInfo) rt.inputs().get(OnnxExport.INPUT).getInfo();
                assertArrayEquals(new long[] {-1, 784}, in.getShape());
                assertEquals("batch", in.getDimensionNames()[0]);
                assertEquals(List.of(OnnxExport.LOGITS, OnnxExport.PROBABILITIES), List.copyOf(rt.outputs().keySet()));
                for (String o : rt.outputs().keySet()) {
                    assertArrayEquals(new long[] {-1, 10}, ((TensorInfo) rt.outputs().get(o).getInfo()).getShape());
                }
                var meta = rt.metadata();
                assertEquals("gradus", meta.getProducerName());
                assertEquals(Version.current(), meta.getCustomMetadata().get(OnnxExport.KEY_VERSION));
                assertEquals(new Architecture(Shape.flat(784), layers, Loss.CROSS_ENTROPY),
                        Architecture.parse(meta.getCustomMetadata().get(OnnxExport.KEY_ARCHITECTURE)));
                assertEquals("[\"zero\",\"one\"]", meta.getCustomMetadata().get("classes"));
            }
        }
        assertTrue(Version.current().matches("\\d+\\.\\d+\\.\\d+.*"), "version " + Version.current());
    }

    @Test
    void reservedMetadataKeysAreRefused() {
        try (Network net = new Network(Backend.named("java"), mlp(Activation.RELU, false), Loss.MSE, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExport.toBytes(net, Map.of(OnnxExport.KEY_ARCHITECTURE, "x")));
            assertTrue(e.getMessage().contains("'architecture' is reserved"), e.getMessage());
        }
    }

    @Test
    void aNetworkWithoutLayersAfterItsLastDenseStillNamesItsOutput() throws Exception {
        // the output is a dropout's: the graph's last node must still produce "output"
        List<LayerSpec> layers = List.of(new DenseSpec(3, 2), new DropoutSpec(0.5f), new ActivationSpec(Activation.IDENTITY));
        try (Network net = new Network(Backend.named("java"), layers, Loss.MSE, 1);
             Tensor x = Tensor.of(2, 3, 0.5f, -1f, 2f, 0f, 0.25f, -0.75f);
             OnnxRuntime rt = new OnnxRuntime(OnnxExport.toBytes(net, Map.of()))) {
            float[] got = rt.run(OnnxExport.INPUT, x.toArray(), 2, 3).get(OnnxExport.OUTPUT);
            assertTrue(maxDifference(net.predict(x).toArray(), got) <= TOLERANCE);
        }
    }
}
