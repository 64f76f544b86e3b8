// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.backend.Backend;
import dev.gradus.io.Architecture;
import dev.gradus.io.ModelFile;
import dev.gradus.io.StateDict;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.nn.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The MODEL of {@code evaluate}, {@code predict} and {@code export}: a Gradus model file (it holds its
 * architecture), or, with {@code --layers} or {@code --model}, a PyTorch state dict in safetensors whose
 * architecture these flags give in {@code train}'s notation. The flags mean what they mean for {@code train}.
 */
final class ArchitectureOptions {
    @Option(names = "--model", paramLabel = "LAYERS",
            description = "For a PyTorch state dict (safetensors of an nn.Sequential): its layers as train's --model takes "
                    + "them (a notation, lenet5 or @FILE); the input shape comes from the data. Default: none.")
    String notation;

    @Option(names = "--layers", paramLabel = "N", split = ",", splitSynopsisLabel = ",",
            description = "For a PyTorch state dict (safetensors of an nn.Sequential(Linear, act, Linear, ...)): "
                    + "its layer sizes, input first, as train takes them, e.g. 784,128,10. Default: none (a Gradus model "
                    + "file names its own).")
    int[] layers;

    @Option(names = "--activation", paramLabel = "NAME",
            description = "With --layers: the activation between the linear layers, as for train. Default: relu.")
    String activation;

    @Option(names = "--loss", paramLabel = "NAME",
            description = "With --layers or --model: the loss the network was trained with, as for train (cross_entropy: "
                    + "its outputs are logits over classes). Default: cross_entropy.")
    String loss;

    /** True when the flags give the architecture of a state dict (so the model file has none of its own). */
    boolean givesArchitecture() {
        return layers != null || notation != null;
    }

    /** The loss of a state dict's architecture. */
    Loss loss() {
        return Loss.parse(loss == null ? "cross_entropy" : loss);
    }

    /**
     * The model: the file's own when it is a Gradus model, the flags' architecture filled from a state
     * dict. {@code input} (with {@code inputName} naming where it comes from) is the sample shape for
     * {@code --model}; null when unknown.
     */
    ModelFile.Loaded load(Path model, Backend backend, Shape input, String inputName) throws IOException {
        if (!givesArchitecture()) {
            if (activation != null || loss != null) {
                throw new IllegalArgumentException((activation != null ? "--activation" : "--loss")
                        + " describes a state dict's architecture: give --layers or --model too");
            }
            return ModelFile.load(model, backend);
        }
        if (layers != null && notation != null) {
            throw new IllegalArgumentException("give either --layers or --model, not both");
        }
        Architecture architecture;
        if (notation != null) {
            if (activation != null) {
                throw new IllegalArgumentException("--model gives the whole network: drop --activation");
            }
            if (input == null) {
                throw new IllegalArgumentException("--model needs the input shape: give --input-shape (e.g. 1,28,28)");
            }
            List<LayerSpec> specs = ModelOption.layers(notation, input, inputName);
            architecture = new Architecture(input, specs, loss());
        } else {
            for (int s : layers) {
                if (s < 1) {
                    throw new IllegalArgumentException("--layers sizes must be >= 1, got " + Arrays.toString(layers));
                }
            }
            Activation act = Activation.parse(activation == null ? "relu" : activation);
            architecture = new Architecture(Network.mlpLayers(layers, act), loss());
        }
        Network network = StateDict.load(model, architecture, backend, 0);
        return new ModelFile.Loaded(network, Map.of());
    }

    /** {@code --input-shape}'s F or C,H,W for {@code --model}; null when not given. */
    Shape inputShape(int[] dims) {
        if (dims != null && notation == null) {
            throw new IllegalArgumentException("--input-shape applies to --model (a model file knows its input shape)");
        }
        try {
            return dims == null ? null : Shape.of(dims);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--input-shape: " + e.getMessage(), e);
        }
    }

    /**
     * Samples of shape {@code data} (named {@code what}) must suit {@code network}: its very shape for an
     * image input; any shape of as many values for a flat one (an MLP takes an image's pixels as they are).
     */
    static void checkInput(Network network, Path model, Shape data, String what) {
        Shape in = network.inputShape();
        if (in.isImage() ? !in.equals(data) : in.size() != data.size()) {
            throw new IllegalArgumentException("the model " + model + " takes "
                    + (in.isImage() ? "images " + in : in.size() + " features") + " but " + what + " has "
                    + (data.isImage() ? "images " + data : data.size() + " features")
                    + (in.isImage() && !data.isImage() ? " (flat samples): an image model needs image data such as MNIST IDX files" : ""));
        }
    }
}
