// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.backend.Backend;
import dev.gradus.data.Standardization;
import dev.gradus.io.ModelFile;
import dev.gradus.io.OnnxExport;
import dev.gradus.nn.Network;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gradus export MODEL --format onnx --out FILE}: the model as an ONNX file (see {@link OnnxExport}). */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a saved model as an ONNX file (opset 17) for ONNX Runtime and other ONNX runtimes.",
                "Input 'input' [batch, features], or [batch, C, H, W] for images. A cross_entropy or",
                "bce_with_logits model has two outputs, 'logits' and 'probabilities' (softmax or sigmoid);",
                "any other model one, 'output'. A model trained on standardized features takes raw ones.",
                "The file's metadata holds the architecture, the Gradus version and the model's own entries (classes)."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "A model.safetensors (or checkpoint) written by train, or a PyTorch state dict with --layers.")
    Path model;

    @Mixin ArchitectureOptions architecture;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "onnx",
            description = "The file format: onnx. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The file to write (atomically), e.g. model.onnx.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!format.toLowerCase(Locale.ROOT).equals("onnx")) {
            throw new IllegalArgumentException("unknown --format '" + format + "' (known: onnx)");
        }
        // no arithmetic here: the Java backend holds the weights without loading native code
        try (ModelFile.Loaded loaded = architecture.load(model, Backend.named("java"))) {
            Network network = loaded.network();
            Map<String, String> metadata = new LinkedHashMap<>(loaded.info());
            metadata.remove(RunFiles.KEY_HISTORY);   // a checkpoint's training history: not the model's business
            Standardization standardization;
            try {
                standardization = Standardization.fromMetadata(loaded.info());   // baked in: the file takes raw features
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(model + ": " + e.getMessage(), e);
            }
            OnnxExport.write(out, network, metadata, standardization);
            List<String> outputs = OnnxExport.outputNames(network.loss());
            PrintWriter o = spec.commandLine().getOut();
            String input = network.inputShape().batched().replaceFirst("^\\[N", "[batch");   // [batch, 784] or [batch, 1, 28, 28]
            o.printf(Locale.ROOT, "wrote %s: ONNX opset %d, %s; input '%s' %s, output%s %s [batch, %d]%n", out,
                    OnnxExport.OPSET, TrainCommand.describe(network), OnnxExport.INPUT, input,
                    outputs.size() > 1 ? "s" : "", "'" + String.join("', '", outputs) + "'", network.outFeatures());
            if (standardization != null) {
                o.println("the model's feature standardization is in the graph: feed raw features");
            }
            o.flush();
            return 0;
        }
    }
}
