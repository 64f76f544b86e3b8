// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.backend.Backend;
import dev.gradus.io.Architecture;
import dev.gradus.io.ModelFile;
import dev.gradus.io.StateDict;
import dev.gradus.nn.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The MODEL of {@code evaluate} and {@code predict}: a Gradus model file (it holds its architecture), or,
 * with {@code --layers}, a PyTorch state dict in safetensors whose architecture these flags give in
 * {@code train}'s notation. The flags mean what they mean for {@code train}.
 */
final class ArchitectureOptions {
    @Option(names = "--layers", paramLabel = "N", split = ",", splitSynopsisLabel = ",",
            description = "For a PyTorch state dict (safetensors of an nn.Sequential(Linear, act, Linear, ...)): "
                    + "its layer sizes, input first, as train takes them, e.g. 784,128,10. Default: none (a Gradus model "
                    + "file names its own).")
    int[] layers;

    @Option(names = "--activation", paramLabel = "NAME",
            description = "With --layers: the activation between the linear layers, as for train. Default: relu.")
    String activation;

    @Option(names = "--loss", paramLabel = "NAME",
            description = "With --layers: the loss the network was trained with, as for train (cross_entropy: "
                    + "its outputs are logits over classes). Default: cross_entropy.")
    String loss;

    /** The model: the file's own when it is a Gradus model, the flags' architecture filled from a state dict. */
    ModelFile.Loaded load(Path model, Backend backend) throws IOException {
        if (layers == null) {
            if (activation != null || loss != null) {
                throw new IllegalArgumentException((activation != null ? "--activation" : "--loss")
                        + " describes a state dict's architecture: give --layers too");
            }
            return ModelFile.load(model, backend);
        }
        for (int s : layers) {
            if (s < 1) {
                throw new IllegalArgumentException("--layers sizes must be >= 1, got " + Arrays.toString(layers));
            }
        }
        Activation act = Activation.parse(activation == null ? "relu" : activation);
        Loss l = Loss.parse(loss == null ? "cross_entropy" : loss);
        Network network = StateDict.load(model, new Architecture(Network.mlpLayers(layers, act), l), backend, 0);
        return new ModelFile.Loaded(network, Map.of());
    }
}
