// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.data.CsvDataset;
import dev.gradus.data.Dataset;
import dev.gradus.data.Standardization;
import dev.gradus.io.ModelFile;
import dev.gradus.nn.Network;
import dev.gradus.train.Evaluation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gradus evaluate MODEL}: accuracy, confusion matrix and per-class precision, recall and F1. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluates a saved model with the metrics of its loss: accuracy (top-k), confusion matrix, per-class",
                "precision, recall and F1; for bce models also ROC AUC; for regression MSE, RMSE, MAE and R2.",
                "The data: the MNIST test files of --data (or of the built-in subset), or every row of --csv."})
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "A model.safetensors (or checkpoint) written by train, or a PyTorch state dict with --layers.")
    Path model;

    @Mixin DataOptions data;
    @Mixin BackendOptions backendOptions;
    @Mixin ArchitectureOptions architecture;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "256", description = "Evaluation batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        try (ModelFile.Loaded loaded = architecture.load(model, backendOptions.open())) {
            Network network = loaded.network();
            CsvDataset.Task task = network.loss().usesLabels() ? CsvDataset.Task.CLASSIFICATION : CsvDataset.Task.REGRESSION;
            try (Dataset test = data.testOnly(task, DataOptions.readCategories(model, loaded))) {
                o.printf(Locale.ROOT, "model %s: %s%n", model, TrainCommand.describe(network));
                o.printf(Locale.ROOT, "data: %s, %,d samples%n", data.description(), test.size());
                if (test.featureCount() != network.inFeatures()) {
                    throw new IllegalArgumentException("the model " + model + " takes " + network.inFeatures()
                            + " features but " + data.description() + " has " + test.featureCount());
                }
                standardize(model, loaded, test.features());
                if (test.hasLabels()) {
                    checkClasses(loaded, test);
                }
                Evaluation e = Evaluation.of(network, test, batch);
                MetricsReport.print(o, "", e, network.loss().toString(), data.targetNames());
                if (e.kind() != Evaluation.Kind.REGRESSION) {
                    if (!Double.isNaN(e.loss())) {
                        o.printf(Locale.ROOT, "loss %.6f (%s)%n", e.loss(), network.loss());
                    }
                    o.println();
                    o.print(e.classTable());
                }
                o.flush();
                return 0;
            }
        }
    }

    /** Applies the standardization the model was trained with, if any, to {@code features}. */
    static void standardize(Path model, ModelFile.Loaded loaded, dev.gradus.Tensor features) {
        Standardization s;
        try {
            s = Standardization.fromMetadata(loaded.info());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(model + ": " + e.getMessage(), e);
        }
        if (s != null) {
            if (s.featureCount() != features.cols()) {
                throw new IllegalArgumentException(model + ": the model's standardization has " + s.featureCount()
                        + " features but the data has " + features.cols());
            }
            s.apply(features);
        }
    }

    /** The data's classes must be the model's (or their first ones): same index, same name. */
    private void checkClasses(ModelFile.Loaded loaded, Dataset test) {
        java.util.List<String> names = RunFiles.readClasses(model, loaded.info());
        if (names == null) {
            return;
        }
        java.util.List<String> have = test.classNames();
        if (have.size() > names.size() || !names.subList(0, have.size()).equals(have)) {
            throw new IllegalArgumentException("the classes of " + data.description() + " " + have
                    + " are not the classes the model " + model + " was trained on " + names);
        }
    }
}
