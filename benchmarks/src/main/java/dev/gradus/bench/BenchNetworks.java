// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.backend.Backend;
import dev.gradus.io.ModelNotation;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.nn.Shape;
import dev.gradus.optim.Optimizer;
import dev.gradus.optim.Sgd;
import dev.gradus.optim.SgdConfig;
import java.util.List;

/**
 * The four benchmark networks of ../shared/bench/README.md and their optimizer: A = 784-128-10 (batch 32,
 * overhead-bound), B = 784-1024-1024-10 (batch 256, GEMM-bound), C = LeNet-5 and D = the PyTorch
 * examples' MNIST net without dropout (both batch 64, on [1, 28, 28]); ReLU, softmax cross-entropy,
 * SGD with momentum 0.9 and lr 0.01, as torch_mlp.py trains them.
 */
public final class BenchNetworks {
    private BenchNetworks() {}

    /** The shape of one input sample: flat 784 for A and B, a [1, 28, 28] image for C and D. */
    public static Shape input(String net) {
        return switch (net) {
            case "A", "B" -> Shape.flat(784);
            case "C", "D" -> Shape.image(1, 28, 28);
            default -> throw unknown(net);
        };
    }

    /** The network's layers, as the model notation (or {@link Network#mlpLayers}) writes them. */
    public static List<LayerSpec> layers(String net) {
        return switch (net) {
            case "A", "B" -> Network.mlpLayers(sizes(net), Activation.RELU);
            case "C" -> ModelNotation.parse("lenet5", input(net));
            case "D" -> ModelNotation.parse(
                    "conv2d(32, 3) relu conv2d(64, 3) relu maxpool2d(2) flatten dense(128) relu dense(10)", input(net));
            default -> throw unknown(net);
        };
    }

    /** The dense layers' widths, input first (for an MLP, the whole network). */
    static int[] sizes(String net) {
        return switch (net) {
            case "A" -> new int[] {784, 128, 10};
            case "B" -> new int[] {784, 1024, 1024, 10};
            case "C" -> new int[] {400, 120, 84, 10};
            case "D" -> new int[] {9216, 128, 10};
            default -> throw unknown(net);
        };
    }

    /** Samples per training step. */
    public static int batch(String net) {
        return switch (net) {
            case "A" -> 32;
            case "B" -> 256;
            case "C", "D" -> 64;
            default -> throw unknown(net);
        };
    }

    static Network network(Backend backend, String net, long seed) {
        return switch (net) {
            case "A", "B" -> Network.mlp(backend, sizes(net), Activation.RELU, Loss.CROSS_ENTROPY, seed);
            case "C", "D" -> new Network(backend, input(net), layers(net), Loss.CROSS_ENTROPY, seed);
            default -> throw unknown(net);
        };
    }

    static Optimizer sgd(Network network) {
        return new Sgd(network, SgdConfig.of(0.01f).withMomentum(0.9f));
    }

    private static IllegalArgumentException unknown(String net) {
        return new IllegalArgumentException("unknown benchmark network '" + net + "' (known: A, B, C, D)");
    }
}
