// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.Tensor;
import dev.gradus.data.CsvDataset;
import dev.gradus.data.Dataset;
import dev.gradus.data.MnistIdx;
import dev.gradus.io.AtomicFile;
import dev.gradus.io.ModelFile;
import dev.gradus.nn.Network;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gradus predict MODEL INPUT}: one CSV line per input row, {@code row,class,confidence} for a
 * classifier (the softmax probability of the chosen class; the sigmoid for bce_with_logits, the output
 * itself for bce) or {@code row,output_0,...} for a regression model.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predicts with a saved model, one CSV line per input row: row,class,confidence.",
                "INPUT is a CSV of feature columns (drop a label column with --label) or an IDX image file",
                "(e.g. t10k-images-idx3-ubyte.gz). A regression model prints row,output_0,..."})
final class PredictCommand implements Callable<Integer> {
    private static final int BATCH = 256;

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "A model.safetensors (or checkpoint) written by train, or a PyTorch state dict with --layers.")
    Path model;

    @Parameters(index = "1", paramLabel = "INPUT", description = "CSV file or IDX image file (raw or .gz).")
    Path input;

    @Option(names = "--label", paramLabel = "COLUMN", description = "A CSV column to ignore (e.g. the label of labelled data). Default: none.")
    String label;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the predictions here (atomically) instead of stdout. Default: stdout.")
    Path output;

    @Mixin BackendOptions backendOptions;
    @Mixin ArchitectureOptions architecture;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        try (ModelFile.Loaded loaded = architecture.load(model, backendOptions.open());
             Tensor x = features(loaded.network(), DataOptions.readCategories(model, loaded))) {
            Network network = loaded.network();
            if (x.cols() != network.inFeatures()) {
                throw new IllegalArgumentException(input + " has " + x.cols() + " features per row but the model " + model
                        + " takes " + network.inFeatures());
            }
            EvaluateCommand.standardize(model, loaded, x);
            List<String> classes = RunFiles.readClasses(model, loaded.info());
            StringBuilder text = new StringBuilder(x.rows() * 16);
            boolean classifier = network.loss().usesLabels() || network.loss().kind() == dev.gradus.Loss.Kind.BCE_WITH_LOGITS
                    || network.loss().kind() == dev.gradus.Loss.Kind.BCE;
            text.append(classifier ? "row,class,confidence\n" : header(network.outFeatures()));
            for (int first = 0; first < x.rows(); first += BATCH) {
                int n = Math.min(BATCH, x.rows() - first);
                Tensor out = network.predict(x.rows(first, n));
                for (int r = 0; r < n; r++) {
                    checkFinite(out, r, x, first + r);
                    text.append(first + r);
                    if (classifier) {
                        classify(text, out, r, network.loss().kind(), classes);
                    } else {
                        for (int c = 0; c < out.cols(); c++) {
                            text.append(',').append(out.get(r, c));
                        }
                    }
                    text.append('\n');
                }
            }
            if (output != null) {
                AtomicFile.writeString(output, text.toString());
            } else {
                PrintWriter o = spec.commandLine().getOut();
                o.print(text);
                o.flush();
            }
            return 0;
        }
    }

    private Tensor features(Network network, java.util.Map<String, List<String>> categories) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new NoSuchFileException(input.toString());
        }
        String name = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.contains("idx") || name.endsWith("-ubyte") || name.endsWith("-ubyte.gz")) {
            return MnistIdx.readImages(input);
        }
        if (label == null) {
            return CsvDataset.readFeatures(input, categories);
        }
        CsvDataset.Task task = network.loss().usesLabels() ? CsvDataset.Task.CLASSIFICATION : CsvDataset.Task.REGRESSION;
        try (Dataset d = CsvDataset.read(input, label, task, categories)) {
            Tensor x = Tensor.allocate(d.size(), d.featureCount());
            return x.copyFrom(d.features());
        }
    }

    /** A non-finite output (the row's values overflow float32 inside the network) is an error naming the row. */
    private void checkFinite(Tensor out, int r, Tensor x, int row) {
        for (int c = 0; c < out.cols(); c++) {
            float v = out.get(r, c);
            if (!Float.isFinite(v)) {
                float largest = 0;
                for (int j = 0; j < x.cols(); j++) {
                    largest = Math.max(largest, Math.abs(x.get(row, j)));
                }
                throw new IllegalArgumentException(input + ": row " + row + " (numbered as in the output, from 0): the model's "
                        + "output " + c + " is " + v + ", not a finite number: the row's values (the largest is " + largest
                        + " in magnitude) "
                        + "overflow float32 inside the network " + model);
            }
        }
    }

    private static void classify(StringBuilder text, Tensor out, int r, dev.gradus.Loss.Kind loss, List<String> classes) {
        int cols = out.cols();
        if (cols == 1) {   // binary: one logit (bce_with_logits) or one probability (bce)
            float v = out.get(r, 0);
            double p = loss == dev.gradus.Loss.Kind.BCE ? v : 1 / (1 + Math.exp(-v));
            int k = p >= 0.5 ? 1 : 0;
            text.append(',').append(name(classes, k)).append(',').append(String.format(Locale.ROOT, "%.6f", k == 1 ? p : 1 - p));
            return;
        }
        int best = 0;
        for (int c = 1; c < cols; c++) {
            if (out.get(r, c) > out.get(r, best)) {
                best = c;
            }
        }
        double max = out.get(r, best);
        double sum = 0;
        for (int c = 0; c < cols; c++) {
            sum += Math.exp(out.get(r, c) - max);
        }
        text.append(',').append(name(classes, best)).append(',').append(String.format(Locale.ROOT, "%.6f", 1 / sum));
    }

    private static String name(List<String> classes, int k) {
        return classes != null && k < classes.size() ? classes.get(k) : Integer.toString(k);
    }

    private static String header(int outputs) {
        StringBuilder sb = new StringBuilder("row");
        for (int c = 0; c < outputs; c++) {
            sb.append(",output_").append(c);
        }
        return sb.append('\n').toString();
    }
}
