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
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.BatchNormSpec;
import dev.gradus.nn.Conv2dSpec;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.DropoutSpec;
import dev.gradus.nn.FlattenSpec;
import dev.gradus.nn.Init;
import dev.gradus.nn.LayerNormSpec;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.nn.Pool2dSpec;
import dev.gradus.nn.Shape;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * State dicts written by PyTorch 1.13 (resources {@code torch/}, made by {@code make_state_dicts.py}
 * there: two MLPs, a CNN and a network with batchnorm and layernorm) load into Gradus networks of the
 * same architecture and compute PyTorch's outputs; a wrong architecture is refused naming the first
 * tensor that does not fit; a Gradus CNN's model file holds the names and shapes PyTorch's strict
 * loading asks for.
 */
@Tag("blas")
class StateDictTest {
    /** float32 against float32 PyTorch, outputs of magnitude < 2: a few ulps of each GEMM's sum. */
    static final double TOLERANCE = 1e-6;
    @TempDir Path dir;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(StateDictTest.class.getResource("torch/" + name).toURI());
    }

    static final List<LayerSpec> SEQUENTIAL = List.of(new DenseSpec(6, 16), new ActivationSpec(Activation.GELU),
            new DenseSpec(16, 8), new ActivationSpec(Activation.TANH), new DropoutSpec(0.3f), new DenseSpec(8, 3));

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void aTorchSequentialsStateDictComputesTorchsOutputs(String backend) throws Exception {
        try (Network net = StateDict.load(resource("sequential.safetensors"), new Architecture(SEQUENTIAL, Loss.MSE),
                Backend.named(backend), 0)) {
            assertMatchesTorch(net, "sequential_io.safetensors", backend);
        }
    }

    static final List<LayerSpec> NORMS = List.of(new Conv2dSpec(2, 3, 3, 1, 1), BatchNormSpec.of2d(3),
            new ActivationSpec(Activation.RELU), new FlattenSpec(), new DenseSpec(60, 6), BatchNormSpec.of1d(6),
            new ActivationSpec(Activation.TANH), LayerNormSpec.of(6), new DenseSpec(6, 3));

    /** Batchnorm's buffers come with the weights (num_batches_tracked as PyTorch's I64 scalar); eval mode uses them. */
    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void aStateDictWithBatchnormBuffersComputesTorchsEvalOutputs(String backend) throws Exception {
        try (Network net = StateDict.load(resource("norms.safetensors"),
                new Architecture(Shape.image(2, 4, 5), NORMS, Loss.MSE), Backend.named(backend), 0)) {
            assertEquals(3, net.buffer("1.num_batches_tracked").count());
            assertEquals(3, net.buffer("5.num_batches_tracked").count());
            // PyTorch computes the float32 statistics in float, Gradus in double; normalizing divides by a
            // standard deviation below 1, which scales up the rounding of what it divides: a few ulps more
            assertMatchesTorch(net, "norms_io.safetensors", backend, 8 * TOLERANCE);
            // and a Gradus model file of it holds PyTorch's state dict exactly: names, dtypes, shapes, bits
            Path model = dir.resolve("norms-model.safetensors");
            ModelFile.save(model, net, Map.of());
            Map<String, StoredTensor> torch = SafetensorsFile.read(resource("norms.safetensors")).tensors();
            Map<String, StoredTensor> gradus = SafetensorsFile.read(model).tensors();
            assertEquals(new java.util.TreeSet<>(torch.keySet()), new java.util.TreeSet<>(gradus.keySet()));
            for (StoredTensor t : torch.values()) {
                assertEquals(t, gradus.get(t.name()), t.name());
                assertEquals(t.dtype(), gradus.get(t.name()).dtype(), t.name());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void aStateDictWhoseNamesCarryTheModulesAttributeLoadsToo(String backend) throws Exception {
        // model.0.weight, ... : a module that holds its nn.Sequential as self.model
        try (Network net = Network.mlp(Backend.named(backend), new int[] {5, 12, 12, 4}, Activation.RELU, Loss.MSE, 0)) {
            StateDict.loadInto(resource("wrapped.safetensors"), net);
            assertMatchesTorch(net, "wrapped_io.safetensors", backend);
        }
    }

    /** The fixture script's nn.Sequential of conv, max and average pooling, flatten and linear layers, on [1, 8, 8]. */
    static final Architecture CNN = new Architecture(Shape.image(1, 8, 8), List.of(
            new Conv2dSpec(1, 4, 3, 1, 1), new ActivationSpec(Activation.RELU), Pool2dSpec.max(2),
            new Conv2dSpec(4, 6, 2, 3, 1, 1, 1, 1, 1, 1, false, Init.TORCH_DEFAULT), new ActivationSpec(Activation.TANH),
            new Pool2dSpec(false, 2, 2, 1, 1, 1, 1, false), new FlattenSpec(),
            new DenseSpec(180, 10), new ActivationSpec(Activation.RELU), new DenseSpec(10, 3)), Loss.CROSS_ENTROPY);

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void aTorchCnnsStateDictComputesTorchsOutputs(String backend) throws Exception {
        try (Network net = StateDict.load(resource("cnn.safetensors"), CNN, Backend.named(backend), 0)) {
            assertMatchesTorch(net, "cnn_io.safetensors", backend);
        }
    }

    /**
     * The other direction: a Gradus CNN's model file holds exactly the tensors, names and shapes of the
     * script's {@code state_dict()} (its list {@code cnn_state_dict.txt}), so PyTorch's
     * {@code load_state_dict(strict=True)}, which asks for no more and no less, takes it.
     */
    @Test
    void aGradusCnnsModelFileHoldsTheTorchStateDictsNamesAndShapes() throws Exception {
        Map<String, String> torch = new LinkedHashMap<>();
        for (String line : Files.readAllLines(resource("cnn_state_dict.txt"))) {
            String[] f = line.split(" ");
            torch.put(f[0], "[" + f[1].replace(",", ", ") + "]");
        }
        assertEquals(7, torch.size(), "the script's list: " + torch);
        Path model = dir.resolve("cnn.safetensors");
        try (Network net = CNN.build(Backend.named("java"), 1)) {
            ModelFile.save(model, net, Map.of());
        }
        Map<String, String> gradus = new LinkedHashMap<>();
        for (StoredTensor t : SafetensorsFile.read(model).tensors().values()) {
            gradus.put(t.name(), t.shapeText());
        }
        assertEquals(new TreeMap<>(torch), new TreeMap<>(gradus));
    }

    private static void assertMatchesTorch(Network net, String io, String backend) throws Exception {
        assertMatchesTorch(net, io, backend, TOLERANCE);
    }

    private static void assertMatchesTorch(Network net, String io, String backend, double tolerance) throws Exception {
        SafetensorsFile st = SafetensorsFile.read(resource(io));
        StoredTensor x = st.tensor("x");
        StoredTensor y = st.tensor("y");
        int rows = (int) x.shape()[0];
        try (Tensor input = Tensor.of(rows, x.data().length / rows, x.data())) {   // [N, F] or [N, C, H, W] as rows
            float[] got = net.predict(input).toArray();
            double worst = OnnxExportTest.maxDifference(got, y.data());
            System.out.printf(Locale.ROOT, "[import] %s on %s: max |Gradus - PyTorch 1.13| %.3g over %d outputs%n",
                    io.replace("_io.safetensors", ".safetensors"), backend, worst, got.length);
            assertTrue(worst <= tolerance, io + ": Gradus differs from PyTorch by " + worst);
        }
    }

    @Test
    void theFirstTensorThatDoesNotFitIsNamedWithItsLayerAndShapes() throws Exception {
        Path file = resource("sequential.safetensors");
        Backend java = Backend.named("java");
        // a hidden width of 12 instead of 16: 0.weight is the first misfit
        List<LayerSpec> narrow = List.of(new DenseSpec(6, 12), new ActivationSpec(Activation.GELU),
                new DenseSpec(12, 8), new ActivationSpec(Activation.TANH), new DropoutSpec(0.3f), new DenseSpec(8, 3));
        expect("tensor '0.weight' has shape [16, 6] but layer 0 dense(6 -> 12) needs [12, 6]",
                () -> StateDict.load(file, new Architecture(narrow, Loss.MSE), java, 0));
        // without the dropout the last linear layer is index 4: the file has 5.*, not 4.*
        List<LayerSpec> noDropout = List.of(new DenseSpec(6, 16), new ActivationSpec(Activation.GELU),
                new DenseSpec(16, 8), new ActivationSpec(Activation.TANH), new DenseSpec(8, 3));
        expect("has no tensor '4.weight' [3, 8] for layer 4 dense(8 -> 3); its tensors: 0.bias [16], 0.weight [16, 6]",
                () -> StateDict.load(file, new Architecture(noDropout, Loss.MSE), java, 0));
        // a shorter network: the file's last layer has no place
        List<LayerSpec> shorter = List.of(new DenseSpec(6, 16), new ActivationSpec(Activation.GELU), new DenseSpec(16, 8));
        expect("has tensor '5.bias' [3] that the architecture has no place for (it needs 0.weight, 0.bias, 2.weight, 2.bias)",
                () -> StateDict.load(file, new Architecture(shorter, Loss.MSE), java, 0));
    }

    @Test
    void aNetworkIsLeftAsItWasWhenTheFileDoesNotFit() throws Exception {
        try (Network net = Network.mlp(Backend.named("java"), new int[] {5, 12, 12, 3}, Activation.RELU, Loss.MSE, 9)) {
            float[] before = net.parameterBuffer().toArray();
            Path wrapped = resource("wrapped.safetensors");
            expect("tensor 'model.4.weight' has shape [4, 12] but layer 4 dense(12 -> 3) needs [3, 12]",
                    () -> { StateDict.loadInto(wrapped, net); return null; });
            assertArrayEquals(before, net.parameterBuffer().toArray());
        }
    }

    @Test
    void aGradusModelFileLoadsAsAStateDictAndAPlainStateDictIsNotAModel() throws Exception {
        try (Network a = Network.mlp(Backend.named("java"), new int[] {3, 4, 2}, Activation.TANH, Loss.MSE, 5);
             Network b = Network.mlp(Backend.named("java"), new int[] {3, 4, 2}, Activation.TANH, Loss.MSE, 6)) {
            Path model = dir.resolve("model.safetensors");
            ModelFile.save(model, a, Map.of());
            StateDict.loadInto(model, b);
            assertArrayEquals(a.parameterBuffer().toArray(), b.parameterBuffer().toArray());
        }
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> ModelFile.load(resource("sequential.safetensors"), Backend.named("java")));
        assertTrue(e.getMessage().contains("a PyTorch state dict loads with its architecture given"), e.getMessage());
    }

    interface Call {
        Object run() throws Exception;
    }

    private static void expect(String message, Call call) {
        FileFormatException e = assertThrows(FileFormatException.class, call::run);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
