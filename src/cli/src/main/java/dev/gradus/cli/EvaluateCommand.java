// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.data.Batch;
import dev.gradus.data.Batches;
import dev.gradus.data.CsvDataset;
import dev.gradus.data.Dataset;
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
        description = {"Evaluates a saved model: accuracy, confusion matrix, per-class precision, recall and F1.",
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
            try (Dataset test = data.testOnly(task)) {
                o.printf(Locale.ROOT, "model %s: %s%n", model, TrainCommand.describe(network));
                o.printf(Locale.ROOT, "data: %s, %,d samples%n", data.description(), test.size());
                if (test.featureCount() != network.inFeatures()) {
                    throw new IllegalArgumentException("the model " + model + " takes " + network.inFeatures()
                            + " features but " + data.description() + " has " + test.featureCount());
                }
                if (!test.hasLabels()) {
                    o.printf(Locale.ROOT, "loss %.6f (%s)%n", meanLoss(network, test, batch), network.loss());
                    return 0;
                }
                checkClasses(loaded, test);
                Evaluation e = Evaluation.of(network, test, batch);
                o.printf(Locale.ROOT, "accuracy %.2f%% (%d/%d), loss %.6f%n", 100 * e.accuracy(),
                        Math.round(e.accuracy() * e.count()), e.count(), e.loss());
                o.println("confusion matrix (rows: true class, columns: predicted)");
                o.print(e.confusionTable());
                o.println();
                o.print(e.classTable());
                o.flush();
                return 0;
            }
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

    /** Mean loss over a regression dataset, in evaluation mode. */
    static double meanLoss(Network network, Dataset data, int batch) {
        boolean wasTraining = network.isTraining();
        network.train(false);
        double sum = 0;
        try (Batches batches = new Batches(data, batch, 0)) {
            batches.startInOrder();
            while (batches.hasNext()) {
                Batch b = batches.next();
                sum += (double) network.forward(b.features(), b.targets()) * b.size();
            }
        } finally {
            network.train(wasTraining);
        }
        return sum / data.size();
    }
}
