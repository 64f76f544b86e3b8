// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import com.google.gson.Gson;
import dev.gradus.Loss;
import dev.gradus.Threads;
import dev.gradus.backend.Backend;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.data.CsvDataset;
import dev.gradus.data.Dataset;
import dev.gradus.io.Checkpoint;
import dev.gradus.io.OptimizerSpec;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.train.EpochResult;
import dev.gradus.train.Evaluation;
import dev.gradus.train.History;
import dev.gradus.train.Position;
import dev.gradus.train.TrainConfig;
import dev.gradus.train.Trainer;
import dev.gradus.train.ConsoleLog;
import dev.gradus.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gradus train}: trains a network, reports test accuracy and throughput, writes the run's files. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a multilayer perceptron and reports its accuracy on held-out test data.",
                "With no data flag it trains on the built-in MNIST subset."})
final class TrainCommand implements Callable<Integer> {
    @Mixin DataOptions data;
    @Mixin TrainingOptions training;
    @Mixin BackendOptions backendOptions;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write model.safetensors, checkpoint.safetensors, history.csv/.json and training.png here.")
    Path out;

    @Option(names = "--log-every", paramLabel = "N",
            description = "Also print the tutorial's line 'Iteration: i Loss: x' every N steps. Default: 0 (off).")
    int logEvery;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue a run exactly where it stopped, from its checkpoint.safetensors (give the same data flags).")
    Path resume;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (logEvery < 0) {
            throw new IllegalArgumentException("--log-every must be >= 0, got " + logEvery);
        }
        for (String fixed : TrainingOptions.FIXED_BY_CHECKPOINT) {
            if (resume != null && spec.commandLine().getParseResult().hasMatchedOption(fixed)) {
                throw new IllegalArgumentException(fixed + " cannot be changed when resuming: the network, optimizer, "
                        + "batch size and seed come from the checkpoint " + resume);
            }
        }
        OptimizerSpec optimizerSpec = training.optimizer();   // checks the numeric flags before any work
        Backend backend = backendOptions.open();
        RunFiles files = out == null ? null : new RunFiles(out);
        Checkpoint.Restored restored = resume == null ? null : Checkpoint.load(resume, backend);
        try {
            return train(o, backend, files, restored, optimizerSpec);
        } finally {
            if (restored != null) {
                restored.close();
            }
        }
    }

    private int train(PrintWriter o, Backend backend, RunFiles files, Checkpoint.Restored restored,
                      OptimizerSpec optimizerSpec) throws IOException {
        Loss loss = restored != null ? restored.network().loss() : training.loss();
        long seed = restored != null ? restored.position().seed() : training.seed;
        int batch = restored != null ? saved(restored, RunFiles.KEY_BATCH, training.batch) : training.batch;
        // a resumed run finishes the planned epochs unless --epochs says otherwise
        int epochs = restored != null && !spec.commandLine().getParseResult().hasMatchedOption("--epochs")
                ? saved(restored, RunFiles.KEY_EPOCHS, training.epochs) : training.epochs;
        CsvDataset.Task task = loss.usesLabels() ? CsvDataset.Task.CLASSIFICATION : CsvDataset.Task.REGRESSION;
        long t0 = System.nanoTime();
        try (DataOptions.Data d = data.trainAndTest(task, seed)) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--verbose")) {
                o.printf(Locale.ROOT, "loaded %s in %.2f s%n", d.description(), (System.nanoTime() - t0) * 1e-9);
            }
            Dataset train = d.train();
            int outputs = train.hasLabels() ? Math.max(train.classes(), d.test().classes()) : train.targetCount();
            Network network;
            Optimizer optimizer;
            Trainer trainer;
            TrainConfig config = TrainConfig.of(epochs, batch, seed);
            if (restored != null) {
                String saved = restored.info().get(RunFiles.KEY_DATA_ID);
                if (saved != null && !saved.equals(data.identity())) {
                    String then = restored.info().get(RunFiles.KEY_DATA);
                    throw new IllegalArgumentException("the checkpoint " + resume + " was trained on " + then
                            + (d.description().equals(then) ? " (data id '" + saved + "')" : "") + ", not on " + d.description()
                            + (d.description().equals(then) ? " (data id '" + data.identity() + "')" : "") + "; give the same data flags");
                }
                if (restored.position().epoch() > epochs) {
                    throw new IllegalArgumentException("the checkpoint " + resume + " has finished "
                            + restored.position().epoch() + " epochs already; give --epochs " + restored.position().epoch()
                            + " or more");
                }
                if (restored.position().epoch() == epochs) {   // e.g. killed while writing the final files
                    o.printf(Locale.ROOT, "the checkpoint %s has finished all %d epochs: nothing left to train%n", resume, epochs);
                } else {
                    o.printf(Locale.ROOT, "resuming from %s at epoch %d/%d, batch %d%n", resume,
                            restored.position().epoch() + 1, epochs, restored.position().batch());
                }
                network = restored.network();
                optimizer = restored.optimizer();
                trainer = new Trainer(network, optimizer, config).resume(
                        new Position(restored.position().epoch(), restored.position().batch(), restored.position().step()),
                        RunFiles.readHistory(resume, restored.info().getOrDefault(RunFiles.KEY_HISTORY, "[]"),
                                restored.info().containsKey(RunFiles.KEY_HISTORY) ? restored.position().epoch() : 0));
            } else {
                int[] sizes = training.layers(train.featureCount(), outputs, d.description());
                network = Network.mlp(backend, sizes, training.activation(), loss, seed);
                optimizer = optimizerSpec.create(network);
                trainer = new Trainer(network, optimizer, config);
            }
            try {
                return fit(o, files, trainer, network, optimizer, d, new RunPlan(batch, epochs, seed));
            } finally {
                if (restored == null) {
                    optimizer.close();
                    network.close();
                }
            }
        }
    }

    /** The settings a resumed run must share with the run it continues; they are stored in its files. */
    private record RunPlan(int batch, int epochs, long seed) {}

    private int fit(PrintWriter o, RunFiles files, Trainer trainer, Network network, Optimizer optimizer,
                    DataOptions.Data d, RunPlan plan) throws IOException {
        int batch = plan.batch();
        long seed = plan.seed();
        String title = title(network, optimizer, batch);
        o.println(title + " on " + d.description() + ", backend " + network.backend().name() + ", "
                + Threads.get() + " thread(s)");
        Map<String, String> info = new LinkedHashMap<>();
        info.put(RunFiles.KEY_DATA, d.description());
        info.put(RunFiles.KEY_DATA_ID, data.identity());
        info.put(RunFiles.KEY_BATCH, Integer.toString(batch));
        info.put(RunFiles.KEY_EPOCHS, Integer.toString(plan.epochs()));
        if (d.train().hasLabels()) {
            info.put(RunFiles.KEY_CLASSES, new Gson().toJson(d.train().classNames()));
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--verbose")) {
            o.print(network.summary());
            o.println();
            if (network.backend() instanceof NativeBackend) {
                o.println("OpenBLAS kernel: " + NativeBackend.info().blasCore());
                NativeBackend.blasKernelWarning().ifPresent(w -> o.println("warning: " + w));
            }
        }
        trainer.addListener(new ProgressListener(o, ProgressListener.detect()));
        if (logEvery > 0) {
            trainer.addListener(new TrainingListener() {
                @Override
                public void onStep(int epoch, int iteration, long step, float loss, int samples) {
                    if (step % logEvery == 0) {
                        o.println(ConsoleLog.iterationLine(step, loss));
                    }
                }
            });
        }
        if (files != null) {
            trainer.addListener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochResult r) {
                    try {
                        files.checkpoint(network, optimizer, trainer.position(), seed, trainer.history(), info);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }
        if (files == null) {
            report(o, network, d, batch, trainer.fit(d.train(), d.test()));
            return 0;
        }
        boolean trained = trainer.position().epoch() >= plan.epochs();   // a resumed run that only lacks its final files
        try (Interruption interruption = Interruption.watch(trainer)) {
            History history = trainer.fit(d.train(), d.test());
            Position end = trainer.position();
            if (interruption.requested() && (end.epoch() < plan.epochs() || end.batch() > 0)) {
                Position p = trainer.position();
                files.checkpoint(network, optimizer, p, seed, trainer.history(), info);
                o.printf(Locale.ROOT, "%ninterrupted at epoch %d, batch %d: wrote %s; continue with --resume %s%n",
                        p.epoch() + 1, p.batch(), RunFiles.CHECKPOINT, files.dir().resolve(RunFiles.CHECKPOINT));
                o.flush();
                return 130;
            }
            // a shutdown after the last step waits here until the final files are written (Interruption)
            report(o, network, d, batch, history);
            if (trained) {
                files.checkpoint(network, optimizer, end, seed, history, info);
            }
            files.finish(network, history, info, title);
            o.println("wrote " + files.model() + ", " + RunFiles.CHECKPOINT + ", " + RunFiles.HISTORY_CSV + ", "
                    + RunFiles.HISTORY_JSON + " and " + RunFiles.CHART + " in " + files.dir());
            return 0;
        }
    }

    private void report(PrintWriter o, Network network, DataOptions.Data d, int batch, History history) {
        String quality;
        if (d.test().hasLabels()) {
            Evaluation e = Evaluation.of(network, d.test(), batch);
            long right = Math.round(e.accuracy() * e.count());
            quality = String.format(Locale.ROOT, "test accuracy %.2f%% (%d/%d)", 100 * e.accuracy(), right, e.count());
            o.println(quality);
            o.println("confusion matrix (rows: true class, columns: predicted)");
            o.print(e.confusionTable());
        } else {
            quality = String.format(Locale.ROOT, "test loss %.6f (%s)", history.last().validationLoss(), network.loss());
            o.println(quality);
        }
        double seconds = history.trainingSeconds();
        long samples = (long) d.train().size() * history.size();
        o.printf(Locale.ROOT, "summary: %d epochs, %,d samples in %.2f s of training: %,.0f samples/s; %s; backend %s, %d thread(s)%n",
                history.size(), samples, seconds, seconds > 0 ? samples / seconds : Double.NaN, quality,
                network.backend().name(), Threads.get());
        o.flush();
    }

    /** A positive integer the checkpoint stored in its metadata {@code key}, or {@code fallback} when it has none. */
    private int saved(Checkpoint.Restored restored, String key, int fallback) {
        String v = restored.info().get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(resume + ": metadata '" + key + "' is not an integer >= 1: '" + v + "'");
    }

    static String title(Network network, Optimizer optimizer, int batch) {
        String momentum = "";
        Record config = dev.gradus.io.OptimizerSpec.of(optimizer).config();
        if (config instanceof dev.gradus.optim.SgdConfig c && c.momentum() > 0) {
            momentum = ", momentum " + c.momentum() + (c.nesterov() ? " nesterov" : "");
        } else if (config instanceof dev.gradus.optim.RmspropConfig c && c.momentum() > 0) {
            momentum = ", momentum " + c.momentum();
        }
        return String.format(Locale.ROOT, "%s, %s (lr %s%s), batch %d", describe(network), optimizer.name(), optimizer.lr(),
                momentum, batch);
    }

    /** E.g. {@code 784-128-10 relu, cross_entropy, 101,770 parameters}. */
    static String describe(Network network) {
        StringBuilder sizes = new StringBuilder().append(network.inFeatures());
        String act = "";
        for (int i = 0; i < network.layers().size(); i++) {
            var spec = network.layers().get(i);
            if (!spec.parameterShapes().isEmpty()) {
                sizes.append('-').append(network.outputShape(i).size());
            } else if (spec instanceof dev.gradus.nn.ActivationSpec a && act.isEmpty()) {
                act = " " + a.activation();
            }
        }
        return String.format(Locale.ROOT, "%s%s, %s, %,d parameters", sizes, act, network.loss(), network.parameterCount());
    }
}
