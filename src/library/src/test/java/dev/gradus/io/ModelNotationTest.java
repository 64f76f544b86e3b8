// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Loss;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelNotationTest {
    private static final Shape MNIST = Shape.image(1, 28, 28);
    private static final ActivationSpec RELU = new ActivationSpec(Activation.RELU);

    /** LeNet-5 as ../shared/bench/README.md's network C states it, in-channels and in-features inferred. */
    private static final List<LayerSpec> LENET5 = List.of(
            new Conv2dSpec(1, 6, 5, 1, 2), RELU, Pool2dSpec.max(2),
            new Conv2dSpec(6, 16, 5), RELU, Pool2dSpec.max(2), new FlattenSpec(),
            new DenseSpec(400, 120), RELU, new DenseSpec(120, 84), RELU, new DenseSpec(84, 10));

    @Test
    void lenet5InfersEveryInputSize() {
        assertEquals(LENET5, ModelNotation.parse(
                "conv2d(6,5,padding=2) relu maxpool2d(2) conv2d(16,5) relu maxpool2d(2) flatten dense(120) relu dense(84) relu dense(10)",
                MNIST));
        assertEquals(LENET5, ModelNotation.parse("lenet5", MNIST), "the built-in name");
        assertEquals(LENET5, ModelNotation.parse(" LeNet5 ", MNIST), "names are case-insensitive");
        try (Network n = new Network(Backend.named("java"), MNIST, LENET5, Loss.CROSS_ENTROPY, 1)) {
            assertEquals(61_706, n.parameterCount(), "LeNet-5's parameter count, as PyTorch counts it");
        }
    }

    /** parse → Architecture (JSON and back) → the same layers; format → parse → the same layers. */
    @Test
    void roundTripsThroughTheArchitectureAndItsOwnText() {
        String text = """
                # every argument form, awkward geometry
                conv2d(8, (3, 5), stride=(2, 1), padding=(1, 2), dilation=2, bias=false, init=xavier_uniform)
                leaky_relu(0.2)   avgpool2d(3, stride=2, padding=1, count_include_pad=false)
                conv2d(out_channels=4, kernel_size=1, in_channels=8) elu(alpha=0.5) maxpool2d((2, 1), 1)
                dropout(0.25) flatten dense(out_features=32, init=kaiming_normal) gelu dropout dense(3) softmax
                """;
        Shape input = Shape.image(3, 17, 11);
        List<LayerSpec> layers = ModelNotation.parse(text, input);
        assertEquals(List.of(
                new Conv2dSpec(3, 8, 3, 5, 2, 1, 1, 2, 2, 2, false, Init.XAVIER_UNIFORM),
                new ActivationSpec(Activation.leakyRelu(0.2f)),
                new Pool2dSpec(false, 3, 3, 2, 2, 1, 1, false),
                new Conv2dSpec(8, 4, 1, 1, 1, 1, 0, 0, 1, 1, true, Init.TORCH_DEFAULT),
                new ActivationSpec(Activation.elu(0.5f)),
                new Pool2dSpec(true, 2, 1, 1, 1, 0, 0, true),
                new DropoutSpec(0.25f), new FlattenSpec(),
                new DenseSpec(4 * 3 * 4, 32, Init.KAIMING_NORMAL), new ActivationSpec(Activation.GELU),
                new DropoutSpec(0.5f), new DenseSpec(32, 3), new ActivationSpec(Activation.SOFTMAX)), layers);

        Architecture a = Architecture.parse(new Architecture(input, layers, Loss.MSE).toJson());
        assertEquals(layers, a.layers());
        assertEquals(input, a.input());

        String formatted = ModelNotation.format(layers);
        assertEquals("conv2d(8, (3, 5), stride=(2, 1), padding=(1, 2), dilation=2, bias=false, init=xavier_uniform) "
                + "leaky_relu(0.2) avgpool2d(3, stride=2, padding=1, count_include_pad=false) conv2d(4, 1) elu(0.5) "
                + "maxpool2d((2, 1), stride=1) dropout(0.25) flatten dense(32, init=kaiming_normal) gelu dropout(0.5) "
                + "dense(3) softmax", formatted);
        assertEquals(layers, ModelNotation.parse(formatted, input));
        assertEquals(formatted, ModelNotation.format(a.layers()), "layers read back from JSON format alike");
        assertEquals(LENET5, ModelNotation.parse(ModelNotation.format(LENET5), MNIST));
        assertEquals(ModelNotation.BUILT_IN.get("lenet5"), ModelNotation.format(LENET5));
    }

    /** BatchNorm and LayerNorm take their sizes from the input, or check the ones written. */
    @Test
    void normalizationLayers() {
        List<LayerSpec> layers = ModelNotation.parse("conv2d(4, 3) batchnorm2d relu layernorm layernorm((26, 26), eps=1e-3) "
                + "flatten dense(8) batchnorm1d(8, eps=0.001, momentum=0.2) layernorm(8) dense(3)", MNIST);
        assertEquals(List.of(new Conv2dSpec(1, 4, 3), BatchNormSpec.of2d(4), RELU, LayerNormSpec.of(4, 26, 26),
                new LayerNormSpec(List.of(26, 26), 1e-3), new FlattenSpec(), new DenseSpec(4 * 26 * 26, 8),
                new BatchNormSpec(false, 8, 0.001, 0.2), LayerNormSpec.of(8), new DenseSpec(8, 3)), layers);
        String formatted = ModelNotation.format(layers);
        assertEquals("conv2d(4, 3) batchnorm2d relu layernorm((4, 26, 26)) layernorm((26, 26), eps=0.001) flatten dense(8) "
                + "batchnorm1d(eps=0.001, momentum=0.2) layernorm(8) dense(3)", formatted);
        assertEquals(layers, ModelNotation.parse(formatted, MNIST));
        assertEquals(layers, Architecture.parse(new Architecture(MNIST, layers, Loss.CROSS_ENTROPY).toJson()).layers());
    }

    @Test
    void anMlpOnFlatSamples() {
        assertEquals(Network.mlpLayers(new int[] {4, 8, 3}, Activation.TANH), ModelNotation.parse("dense(8) tanh dense(3)",
                Shape.flat(4)));
    }

    /** Each error names where (column, token) and what was expected or what is wrong. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "relu maxpol2d(2)                      | at column 6 ('maxpol2d(2)'): unknown layer 'maxpol2d' (known: conv2d, maxpool2d",
        "conv2d(6, 5) dense(10)                | at column 14 ('dense(10)'): dense takes flat samples, but its input is images [6, 24, 24]: put flatten before it",
        "conv2d(6, 5                           | (the end): expected ',' or ')' in the arguments of conv2d",
        "conv2d(6, five)                       | at column 1 ('conv2d(6, five)'): kernel_size must be an integer N or a pair (h, w), got five at column 11",
        "conv2d(6, (5, 5, 5))                  | kernel_size must be an integer N or a pair (h, w), got (5, 5, 5) at column 11",
        "conv2d(6, (5 5))                      | at column 14 ('5))'): expected ',' in the tuple (h, w)",
        "layernorm((1, 28, 28, 1))             | at column 21 (','): expected ')' closing the tuple (c, h, w)",
        "conv2d(6)                             | conv2d needs kernel_size",
        "conv2d(6, 5, 1, 0, 1, 1)              | conv2d takes at most 5 positional arguments (out_channels, kernel_size, stride, padding, dilation), got 1 at column 23",
        "conv2d(6, 5, groups=2)                | unknown argument 'groups' at column 14 (conv2d takes out_channels, kernel_size, stride, padding, dilation, bias, init, in_channels)",
        "conv2d(6, 5, stride=2, stride=1)      | argument 'stride' given twice",
        "conv2d(6, 5, padding=1, 2)            | positional argument 2 at column 25 after a keyword argument",
        "conv2d(6, 5, in_channels=3)           | in_channels=3, but the input gives 1",
        "conv2d(6, 5, bias=maybe)              | bias must be true or false, got maybe at column 19",
        "conv2d(6, 29)                         | at column 1 ('conv2d(6, 29)'): conv2d(1 -> 6, 29x29) on [1, 28, 28]",
        "conv2d(0, 5)                          | at column 1 ('conv2d(0, 5)'): conv2d(in=1, out=0",
        "maxpool2d(2, padding=2)               | paddings in [0, kernel/2]",
        "relu(2)                               | relu takes no positional arguments, got 2 at column 6",
        "dropout(1.5)                          | dropout probability must be in [0, 1), got 1.5",
        "dropout(p=often)                      | p must be a number, got often at column 11",
        "flatten dense(10) batchnorm1d(12)     | at column 19 ('batchnorm1d(12)'): num_features=12, but the input gives 10",
        "conv2d(6, 5) batchnorm1d              | batchnorm1d takes flat samples, but its input is images [6, 24, 24] (batchnorm2d normalizes per channel)",
        "flatten batchnorm2d                   | batchnorm2d takes images [C, H, W], but its input is flat [784] (batchnorm1d",
        "batchnorm2d(momentum=2)               | momentum in [0, 1]",
        "layernorm(27)                         | normalizes the trailing dims [27] of its input, got [1, 28, 28]",
        "linear(10)                            | ambiguous: write dense(N) for a linear layer, identity for no activation",
        "relu, dense(10)                       | at column 5 (','): expected a layer name such as conv2d, relu or dense(10)",
        "'   '                                 | the model has no layers",
    })
    void errorsNameThePositionAndWhatWasExpected(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelNotation.parse(text, MNIST));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void convolutionOnFlatSamplesIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelNotation.parse("lenet5", Shape.flat(784)));
        assertTrue(e.getMessage().contains("conv2d takes images [C, H, W], but its input is flat [784]"), e.getMessage());
    }

    @Test
    void aTextOfSeveralLinesIsLocatedByLineAndColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelNotation.parse("conv2d(6, 5) relu\nmaxpool2d(2) flaten\n", MNIST));
        assertTrue(e.getMessage().startsWith("at line 2, column 14 ('flaten'): unknown layer 'flaten'"), e.getMessage());
    }
}
