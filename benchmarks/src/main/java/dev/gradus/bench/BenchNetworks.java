// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.optim.Sgd;
import dev.gradus.optim.SgdConfig;

/**
 * The two benchmark networks of ../shared/bench/README.md and their optimizer: A = 784-128-10 (batch 32,
 * overhead-bound), B = 784-1024-1024-10 (batch 256, GEMM-bound); ReLU, softmax cross-entropy,
 * SGD with momentum 0.9 and lr 0.01, as torch_mlp.py trains them.
 */
final class BenchNetworks {
    private BenchNetworks() {}

    static int[] sizes(String net) {
        return switch (net) {
            case "A" -> new int[] {784, 128, 10};
            case "B" -> new int[] {784, 1024, 1024, 10};
            default -> throw new IllegalArgumentException("unknown benchmark network '" + net + "' (known: A, B)");
        };
    }

    static int batch(String net) {
        return switch (net) {
            case "A" -> 32;
            case "B" -> 256;
            default -> throw new IllegalArgumentException("unknown benchmark network '" + net + "' (known: A, B)");
        };
    }

    static Network network(Backend backend, String net, long seed) {
        return Network.mlp(backend, sizes(net), Activation.RELU, Loss.CROSS_ENTROPY, seed);
    }

    static Optimizer sgd(Network network) {
        return new Sgd(network, SgdConfig.of(0.01f).withMomentum(0.9f));
    }
}
