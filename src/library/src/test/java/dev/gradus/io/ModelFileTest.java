// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.data.Standardization;
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.BatchNormSpec;
import dev.gradus.nn.Buffer;
import dev.gradus.nn.LayerNormSpec;
import dev.gradus.nn.Conv2dSpec;
import dev.gradus.nn.FlattenSpec;
import dev.gradus.nn.Pool2dSpec;
import dev.gradus.nn.Shape;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.DropoutSpec;
import dev.gradus.nn.Init;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.Optimizer;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir Path dir;

    /** Saving and loading only allocate and copy: a backend that computes nothing is enough here. */
    static final Backend NO_MATH = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class}, (proxy, method, args) -> {
                if (method.getName().equals("name")) {
                    return "none";
                }
                throw new UnsupportedOperationException("no arithmetic in file tests: " + method.getName());
            });

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T t) {
        open.add(t);
        return t;
    }

    static List<LayerSpec> everyKindOfLayer() {
        return List.of(new DenseSpec(5, 4, Init.XAVIER_NORMAL), new BatchNormSpec(false, 4, 1e-3, 0.25),
                new ActivationSpec(Activation.leakyRelu(0.03f)), new DropoutSpec(0.25f),
                new DenseSpec(4, 4, Init.constant(0.5f)), LayerNormSpec.of(4), new ActivationSpec(Activation.elu(0.7f)),
                new DenseSpec(4, 3), new ActivationSpec(Activation.GELU));
    }

    /** For images of [3, 9, 8]. */
    static List<LayerSpec> everyKindOfImageLayer() {
        return List.of(new Conv2dSpec(3, 4, 3, 2, 2, 1, 1, 0, 1, 2, false, Init.XAVIER_UNIFORM), BatchNormSpec.of2d(4),
                new ActivationSpec(Activation.RELU), Pool2dSpec.max(2), new Conv2dSpec(4, 5, 1),
                new LayerNormSpec(List.of(2, 3), 1e-6), new Pool2dSpec(false, 3, 1, 1, 1, 1, 0, false), new FlattenSpec(),
                new DenseSpec(30, 3));
    }

    static final Shape IMAGE = Shape.image(3, 9, 8);

    @Test
    void anImageArchitectureRoundTripsWithItsInputShape() throws IOException {
        Architecture a = new Architecture(IMAGE, everyKindOfImageLayer(), Loss.CROSS_ENTROPY);
        assertEquals(a, Architecture.parse(a.toJson()));
        assertTrue(a.toJson().startsWith("{\"input\":[3,9,8],"), a.toJson());
        Network net = keep(a.build(NO_MATH, 5));
        Path f = dir.resolve("cnn.safetensors");
        ModelFile.save(f, net, Map.of());
        Network back = keep(ModelFile.load(f, NO_MATH)).network();
        assertEquals(IMAGE.batched(), back.inputShape().batched());
        assertEquals(net.layers(), back.layers());
        assertArrayEquals(net.parameterBuffer().toArray(), back.parameterBuffer().toArray());
        SafetensorsFile st = SafetensorsFile.read(f);
        assertEquals("[4, 3, 3, 2]", st.tensor("0.weight").shapeText(), "conv weights as torch.nn.Conv2d's");
        assertEquals(List.of("0.weight", "1.weight", "1.bias", "4.weight", "4.bias", "5.weight", "5.bias", "8.weight",
                "8.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"), List.copyOf(st.tensors().keySet()));
        assertEquals("[2, 3]", st.tensor("5.weight").shapeText(), "layernorm weights of its normalized_shape");
    }

    /** Buffers as PyTorch's state dict holds them: F32 running statistics, an I64 scalar counter; read back bit for bit. */
    @Test
    void buffersRoundTripBitIdenticalWithPyTorchNamesAndDtypes() throws IOException {
        Network net = keep(new Architecture(IMAGE, everyKindOfImageLayer(), Loss.CROSS_ENTROPY).build(NO_MATH, 5));
        assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked"),
                net.buffers().stream().map(Buffer::name).toList());
        assertArrayEquals(new float[] {0, 0, 0, 0}, net.buffer("1.running_mean").value().toArray(), "PyTorch's initial mean");
        assertArrayEquals(new float[] {1, 1, 1, 1}, net.buffer("1.running_var").value().toArray(), "PyTorch's initial var");
        net.buffer("1.running_mean").value().copyFrom(new float[] {0.1f, -2.5e-8f, Float.MIN_VALUE, 3e7f});
        net.buffer("1.running_var").value().copyFrom(new float[] {Math.nextUp(1f), 0.3f, 7f, 1e-30f});
        net.buffer("1.num_batches_tracked").setCount((1L << 40) + 3);   // more than a float holds exactly
        Path f = dir.resolve("bn.safetensors");
        ModelFile.save(f, net, Map.of());
        StoredTensor counter = SafetensorsFile.read(f).tensor("1.num_batches_tracked");
        assertEquals("I64", counter.dtype());
        assertEquals("[]", counter.shapeText());
        Network back = keep(ModelFile.load(f, NO_MATH)).network();
        for (Buffer b : net.buffers()) {
            if (b.isCounter()) {
                assertEquals(b.count(), back.buffer(b.name()).count(), b.name());
            } else {
                assertArrayEquals(b.value().toArray(), back.buffer(b.name()).value().toArray(), b.name());
            }
        }
        // a PyTorch state dict of the same layers (its buffers included) imports them as well
        try (Network imported = StateDict.load(f, new Architecture(IMAGE, everyKindOfImageLayer(), Loss.CROSS_ENTROPY),
                NO_MATH, 1)) {
            assertEquals((1L << 40) + 3, imported.buffer("1.num_batches_tracked").count());
            assertArrayEquals(net.buffer("1.running_var").value().toArray(), imported.buffer("1.running_var").value().toArray());
            assertArrayEquals(net.parameterBuffer().toArray(), imported.parameterBuffer().toArray());
        }
    }

    @Test
    void badBuffersAreRejectedWithTheFileAndTheReason() throws IOException {
        Network net = keep(new Network(NO_MATH, everyKindOfLayer(), Loss.MSE, 5));
        Map<String, String> meta = ModelFile.metadata(ModelFile.FORMAT, net, Map.of());
        List<StoredTensor> tensors = ModelFile.networkTensors(net);
        int counter = tensors.size() - 1;
        assertEquals("1.num_batches_tracked", tensors.get(counter).name());
        expectBad(meta, tensors.subList(0, counter), "has no tensor '1.num_batches_tracked'");
        List<StoredTensor> asFloat = new ArrayList<>(tensors);
        asFloat.set(counter, new StoredTensor("1.num_batches_tracked", new long[0], new float[] {3}));
        expectBad(meta, asFloat, "tensor '1.num_batches_tracked' has dtype F32; a counter is an I64 scalar");
        List<StoredTensor> negative = new ArrayList<>(tensors);
        negative.set(counter, StoredTensor.ofInt64("1.num_batches_tracked", new long[0], new long[] {-1}));
        expectBad(meta, negative, "a count must be >= 0");
        List<StoredTensor> intMean = new ArrayList<>(tensors);
        intMean.set(counter - 2, StoredTensor.ofInt64("1.running_mean", new long[] {4}, new long[4]));
        expectBad(meta, intMean, "tensor '1.running_mean' has dtype I64, expected F32");
        List<StoredTensor> nan = new ArrayList<>(tensors);
        nan.set(counter - 1, new StoredTensor("1.running_var", new long[] {4}, new float[] {1, Float.NaN, 1, 1}));
        expectBad(meta, nan, "tensor '1.running_var' holds NaN at index 1");
    }

    @Test
    void architectureRoundTripsThroughJson() {
        Architecture a = new Architecture(everyKindOfLayer(), Loss.huber(0.3f));
        Architecture back = Architecture.parse(a.toJson());
        assertEquals(a, back);
        assertTrue(a.toJson().contains("{\"type\":\"leaky_relu\",\"slope\":0.03}"), a.toJson());
    }

    /** A new layer kind must be added to {@link #everyKindOfLayer()} or {@link #everyKindOfImageLayer()}, so its JSON is read back too. */
    @Test
    void everyKindOfLayerIsInTheRoundTrip() {
        java.util.Set<Class<?>> covered = new java.util.HashSet<>();
        for (LayerSpec s : everyKindOfLayer()) {
            covered.add(s.getClass());
        }
        for (LayerSpec s : everyKindOfImageLayer()) {
            covered.add(s.getClass());
        }
        assertEquals(java.util.Set.of(LayerSpec.class.getPermittedSubclasses()), covered);
    }

    @Test
    void savedModelLoadsWithTheSameArchitectureAndBitIdenticalParameters() throws IOException {
        Network net = keep(new Network(NO_MATH, everyKindOfLayer(), Loss.huber(0.3f), 99));
        Path f = dir.resolve("model.safetensors");
        ModelFile.save(f, net, Map.of("classes", "[\"a\",\"b\",\"c\"]"));
        ModelFile.Loaded loaded = keep(ModelFile.load(f, NO_MATH));
        assertEquals(net.layers(), loaded.network().layers());
        assertEquals(net.loss(), loaded.network().loss());
        assertEquals(Map.of("classes", "[\"a\",\"b\",\"c\"]"), loaded.info());
        assertArrayEquals(net.parameterBuffer().toArray(), loaded.network().parameterBuffer().toArray());
        SafetensorsFile st = SafetensorsFile.read(f);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "5.weight", "5.bias",
                "7.weight", "7.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"),
                List.copyOf(st.tensors().keySet()));
        assertEquals("[4]", st.tensor("0.bias").shapeText(), "biases are 1-D as in torch.nn.Linear");
        assertEquals(ModelFile.FORMAT, st.meta("format"));
    }

    /** A model trained on standardized features predicts from raw ones: its predictor standardizes them. */
    @Test
    void aLoadedModelsPredictorAppliesItsStandardization() throws IOException {
        Network net = keep(Network.mlp(Backend.named("java"), new int[] {2, 4, 3}, Activation.RELU, Loss.CROSS_ENTROPY, 4));
        Standardization s = new Standardization(new float[] {2500f, 3.5f}, new float[] {900f, 0.25f});
        Path f = dir.resolve("standardized.safetensors");
        ModelFile.save(f, net, Map.of(Standardization.METADATA_KEY, s.toJson()));
        ModelFile.Loaded loaded = keep(ModelFile.load(f, Backend.named("java")));
        assertEquals(s, loaded.standardization());
        float[] raw = {3400f, 3.0f};
        try (dev.gradus.nn.Predictor p = loaded.predictor(); dev.gradus.nn.Predictor q = net.predictor()) {
            assertArrayEquals(q.predict(new float[] {1f, -2f}), p.predict(raw), 0f, "(3400-2500)/900, (3-3.5)/0.25");
            assertArrayEquals(q.predict(new float[][] {{1f, -2f}})[0], p.predict(new float[][] {raw})[0], 0f, "batches too");
        }
        assertThrows(IllegalArgumentException.class, () -> net.predictor(null, new Standardization(new float[] {0f},
                new float[] {1f})), "a standardization of another width");
        ModelFile.save(f, net, Map.of());
        assertEquals(null, keep(ModelFile.load(f, Backend.named("java"))).standardization());
    }

    @Test
    void aLoadedClassifiersPredictorNamesItsClasses() throws IOException {
        Network net = keep(Network.mlp(Backend.named("java"), new int[] {2, 3}, Activation.RELU, Loss.CROSS_ENTROPY, 4));
        Path f = dir.resolve("named.safetensors");
        ModelFile.save(f, net, Map.of(ModelFile.KEY_CLASSES, "[\"cat\",\"dog\",\"eel\"]"));
        ModelFile.Loaded loaded = keep(ModelFile.load(f, Backend.named("java")));
        assertEquals(List.of("cat", "dog", "eel"), loaded.classNames());
        try (dev.gradus.nn.Predictor p = loaded.predictor(); dev.gradus.nn.Predictor q = net.predictor()) {
            float[] x = {0.3f, -1.2f};
            assertEquals(List.of("cat", "dog", "eel").get(q.predictClassIndex(x)), p.predictClass(x));
            assertArrayEquals(q.predict(x), p.predict(x), 0f, "the loaded model predicts the saved one's probabilities");
        }
        ModelFile.save(f, net, Map.of(ModelFile.KEY_CLASSES, "{\"a\": 1}"));
        ModelFile.Loaded bad = keep(ModelFile.load(f, Backend.named("java")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::classNames);
        assertTrue(e.getMessage().startsWith("metadata 'classes' is not a JSON array of class names"), e.getMessage());
        ModelFile.save(f, net, Map.of());
        assertEquals(null, keep(ModelFile.load(f, Backend.named("java"))).classNames());
    }

    /** The categories a model was trained with read back in order, for encoding raw CSV rows as in training. */
    @Test
    void aLoadedModelGivesItsCategoricalColumnsBack() throws IOException {
        Network net = keep(Network.mlp(Backend.named("java"), new int[] {2, 3}, Activation.RELU, Loss.CROSS_ENTROPY, 4));
        Path f = dir.resolve("categories.safetensors");
        Map<String, List<String>> categories = new java.util.LinkedHashMap<>();
        categories.put("size", List.of("s", "m", "l"));
        categories.put("color \"x\"", List.of("red", "blue"));
        String json = ModelFile.categoriesJson(categories);
        assertEquals("{\"size\":[\"s\",\"m\",\"l\"],\"color \\\"x\\\"\":[\"red\",\"blue\"]}", json);
        ModelFile.save(f, net, Map.of(ModelFile.KEY_CATEGORIES, json));
        Map<String, List<String>> back = keep(ModelFile.load(f, Backend.named("java"))).categories();
        assertEquals(categories, back);
        assertEquals(List.copyOf(categories.keySet()), List.copyOf(back.keySet()), "in the saved order");
        for (String[] c : new String[][] {{"[\"a\"]", "the value"}, {"{\"c\": []}", "column 'c' has no categories"},
                {"{\"c\": [1]}", "a category of 'c'"}}) {
            ModelFile.save(f, net, Map.of(ModelFile.KEY_CATEGORIES, c[0]));
            ModelFile.Loaded bad = keep(ModelFile.load(f, Backend.named("java")));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::categories);
            assertTrue(e.getMessage().startsWith("metadata 'categories' is not {\"column\": [categories], ...}: ")
                    && e.getMessage().contains(c[1]), e.getMessage());
        }
        ModelFile.save(f, net, Map.of());
        assertEquals(Map.of(), keep(ModelFile.load(f, Backend.named("java"))).categories());
    }

    @Test
    void checkpointRestoresOptimizerStateStepCountLrAndPosition() throws IOException {
        Network net = keep(Network.mlp(NO_MATH, new int[] {3, 4, 2}, Activation.RELU, Loss.CROSS_ENTROPY, 5));
        Optimizer adam = keep(new OptimizerSpec("adam", AdamConfig.adam(0.002f).withAmsgrad(true)).create(net));
        int k = 0;
        for (Tensor t : adam.state().values()) {
            for (int i = 0; i < t.size(); i++) {
                t.set(i, (float) Math.sin(++k));
            }
        }
        adam.setStepCount(17);
        adam.setLr(0.0007f);
        net.setDropoutStep(123);
        Path f = dir.resolve("ckpt.safetensors");
        TrainingPosition pos = new TrainingPosition(2, 5, 31, 42, 123);
        Checkpoint.save(f, net, adam, pos, Map.of("note", "x"));

        Checkpoint.Restored r = keep(Checkpoint.load(f, NO_MATH));
        assertEquals(pos, r.position());
        assertEquals("adam", r.optimizer().name());
        assertEquals(AdamConfig.adam(0.002f).withAmsgrad(true), r.optimizerSpec().config());
        assertEquals(17, r.optimizer().stepCount());
        assertEquals(0.0007f, r.optimizer().lr());
        assertEquals(123, r.network().dropoutStep());
        assertEquals(List.copyOf(adam.state().keySet()), List.copyOf(r.optimizer().state().keySet()));
        for (String name : adam.state().keySet()) {
            assertArrayEquals(adam.state().get(name).toArray(), r.optimizer().state().get(name).toArray(), name);
        }
        assertArrayEquals(net.parameterBuffer().toArray(), r.network().parameterBuffer().toArray());
        assertEquals(Map.of("note", "x"), r.info());
        // a checkpoint is also a model file
        assertArrayEquals(net.parameterBuffer().toArray(), keep(ModelFile.load(f, NO_MATH)).network().parameterBuffer().toArray());
    }

    @Test
    void checkpointRestoresTheBuffers() throws IOException {
        Network net = keep(new Network(NO_MATH, everyKindOfLayer(), Loss.MSE, 5));
        Optimizer adam = keep(new OptimizerSpec("adam", AdamConfig.adam(0.002f)).create(net));
        net.buffer("1.running_mean").value().copyFrom(new float[] {0.5f, -1, 2, 1e-3f});
        net.buffer("1.num_batches_tracked").setCount(41);
        Path f = dir.resolve("bn-ckpt.safetensors");
        Checkpoint.save(f, net, adam, new TrainingPosition(1, 0, 41, 42, 41), Map.of());
        Checkpoint.Restored r = keep(Checkpoint.load(f, NO_MATH));
        assertArrayEquals(new float[] {0.5f, -1, 2, 1e-3f}, r.network().buffer("1.running_mean").value().toArray());
        assertArrayEquals(net.buffer("1.running_var").value().toArray(), r.network().buffer("1.running_var").value().toArray());
        assertEquals(41, r.network().buffer("1.num_batches_tracked").count());
    }

    @Test
    void aModelFileIsNotACheckpoint() throws IOException {
        Network net = keep(Network.mlp(NO_MATH, new int[] {3, 2}, Activation.RELU, Loss.MSE, 5));
        Path f = dir.resolve("m.safetensors");
        ModelFile.save(f, net, Map.of());
        expectBad(() -> Checkpoint.load(f, NO_MATH), f, "is a model file, not a checkpoint");
    }

    @Test
    void badModelFilesAreRejectedWithTheFileAndTheReason() throws IOException {
        Network net = keep(Network.mlp(NO_MATH, new int[] {3, 4, 2}, Activation.TANH, Loss.MSE, 5));
        Map<String, String> meta = ModelFile.metadata(ModelFile.FORMAT, net, Map.of());
        List<StoredTensor> tensors = ModelFile.networkTensors(net);

        expectBad(with(meta, "format", null), tensors, "not a Gradus model");
        expectBad(with(meta, "format", "gradus-model/2"), tensors, "format version gradus-model/2");
        expectBad(with(meta, "format", "llama/1"), tensors, "has format 'llama/1'");
        expectBad(with(meta, "architecture", "{\"layers\": 3}"), tensors, "needs a \"layers\" array");
        expectBad(with(meta, "architecture", "{\"layers\":[{\"type\":\"dense\",\"in\":3,\"out\":4},{\"type\":\"swish\"}],"
                + "\"loss\":{\"type\":\"mse\"}}"), tensors, "unknown activation 'swish'");
        expectBad(with(meta, "architecture", "{\"layers\":[{\"type\":\"dense\",\"in\":3,\"out\":4},"
                + "{\"type\":\"dense\",\"in\":3,\"out\":2}],\"loss\":{\"type\":\"mse\"}}"), tensors, "not a valid network");
        // an architecture that needs more values than the file holds: the tensor that is short is named
        expectBad(with(meta, "architecture", "{\"layers\":[{\"type\":\"dense\",\"in\":3,\"out\":4},"
                + "{\"type\":\"dense\",\"in\":5,\"out\":2}],\"loss\":{\"type\":\"mse\"}}"), tensors, "has no tensor '1.weight'");

        List<StoredTensor> wrongShape = new ArrayList<>(tensors);
        wrongShape.set(0, new StoredTensor("0.weight", new long[] {3, 4}, tensors.get(0).data()));
        expectBad(meta, wrongShape, "tensor '0.weight' has shape [3, 4], the architecture needs [4, 3]");
        expectBad(meta, tensors.subList(0, 3), "has no tensor '2.bias'");
        List<StoredTensor> extra = new ArrayList<>(tensors);
        extra.add(new StoredTensor("9.weight", new long[] {1}, new float[] {1}));
        expectBad(meta, extra, "tensor '9.weight' that the architecture has no place for");
        List<StoredTensor> nan = new ArrayList<>(tensors);
        float[] d = tensors.get(1).data().clone();
        d[2] = Float.NaN;
        nan.set(1, new StoredTensor("0.bias", new long[] {4}, d));
        expectBad(meta, nan, "tensor '0.bias' holds NaN at index 2");
    }

    /**
     * Issue 8: a 184-byte model whose metadata declares a 30000×30000 dense layer built the network
     * (3.5 GB) before checking its tensors. The tensors are checked first now.
     */
    @Test
    void aTinyFileThatDeclaresAHugeNetworkIsRefusedBeforeAnythingIsAllocated() throws IOException {
        Path f = dir.resolve("huge.safetensors");
        SafetensorsFile.write(f, Map.of("format", ModelFile.FORMAT, "architecture",
                "{\"layers\":[{\"type\":\"dense\",\"in\":30000,\"out\":30000}],\"loss\":{\"type\":\"mse\"}}"), List.of());
        assertTrue(Files.size(f) < 200, "a tiny file: " + Files.size(f));
        expectBad(() -> ModelFile.load(f, NO_MATH), f, "has no tensor '0.weight'");
        long heap = dev.gradus.HeapBytes.of(() -> ModelFile.load(f, NO_MATH));
        assertTrue(heap < 1 << 20, "refusing it allocated " + heap + " heap bytes");
        // a tensor of the right name but not of the declared size is refused as well
        SafetensorsFile.write(f, Map.of("format", ModelFile.FORMAT, "architecture",
                "{\"layers\":[{\"type\":\"dense\",\"in\":30000,\"out\":30000}],\"loss\":{\"type\":\"mse\"}}"),
                List.of(new StoredTensor("0.weight", new long[] {1, 1}, new float[] {1}),
                        new StoredTensor("0.bias", new long[] {1}, new float[] {1})));
        expectBad(() -> ModelFile.load(f, NO_MATH), f, "tensor '0.weight' has shape [1, 1], the architecture needs [30000, 30000]");
    }

    /** What a file is checked against before the network is built is what the network then holds. */
    @Test
    void parameterShapesOfTheSpecsAreTheNetworksParameters() {
        Network net = keep(new Network(NO_MATH, everyKindOfLayer(), Loss.MSE, 1));
        List<String> fromSpecs = new ArrayList<>();
        for (int i = 0; i < net.layers().size(); i++) {
            for (Map.Entry<String, long[]> p : net.layers().get(i).parameterShapes().entrySet()) {
                fromSpecs.add(i + "." + p.getKey() + java.util.Arrays.toString(p.getValue()));
            }
        }
        List<String> built = new ArrayList<>();
        for (dev.gradus.nn.Parameter p : net.parameters()) {
            built.add(p.name() + java.util.Arrays.toString(ModelFile.longs(p.shape())));
        }
        assertEquals(built, fromSpecs);
    }

    private void expectBad(Map<String, String> meta, List<StoredTensor> tensors, String reason) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        SafetensorsFile.write(f, meta, tensors);
        expectBad(() -> ModelFile.load(f, NO_MATH), f, reason);
    }

    private static void expectBad(org.junit.jupiter.api.function.Executable load, Path f, String reason) {
        FileFormatException e = assertThrows(FileFormatException.class, load);
        assertTrue(e.getMessage().startsWith(f.toString()), "message names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(reason), "message says '" + reason + "': " + e.getMessage());
    }

    private static Map<String, String> with(Map<String, String> meta, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(meta);
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return m;
    }
}
