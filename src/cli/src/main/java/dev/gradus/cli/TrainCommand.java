// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import com.google.gson.Gson;
import dev.gradus.Loss;
import dev.gradus.Threads;
import dev.gradus.backend.Backend;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.data.CsvDataset;
import dev.gradus.data.Dataset;
import dev.gradus.data.Standardization;
import dev.gradus.io.Checkpoint;
import dev.gradus.io.ModelFile;
import dev.gradus.io.OptimizerSpec;
import dev.gradus.io.StateDict;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.train.EpochProgress;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    @Mixin FitOptions fitOptions;
    @Mixin BackendOptions backendOptions;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write model.safetensors, checkpoint.safetensors, history.csv/.json and training.png here. "
                    + "Default: none (nothing is written).")
    Path out;

    @Option(names = "--log-every", paramLabel = "N",
            description = "Also print the tutorial's line 'Iteration: i Loss: x' every N steps. Default: 0 (off).")
    int logEvery;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue a run exactly where it stopped, from its checkpoint.safetensors (give the same data flags). "
                    + "Default: none.")
    Path resume;

    @Option(names = "--init", paramLabel = "FILE",
            description = "Start from these weights instead of random ones: a PyTorch state dict (safetensors) or a Gradus "
                    + "model of the architecture the flags give (names and shapes are checked). Default: none (random).")
    Path init;

    /** Features whose standard deviations differ by this factor or more draw a warning when not standardized. */
    static final double SCALE_WARNING = 100;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (logEvery < 0) {
            throw new IllegalArgumentException("--log-every must be >= 0, got " + logEvery);
        }
        List<String> fixedFlags = new ArrayList<>(TrainingOptions.FIXED_BY_CHECKPOINT);
        fixedFlags.addAll(List.of(FitOptions.FLAGS));
        for (String fixed : fixedFlags) {
            if (resume != null && spec.commandLine().getParseResult().hasMatchedOption(fixed)) {
                throw new IllegalArgumentException(fixed + " cannot be changed when resuming: the network, optimizer, "
                        + "batch size, seed and training settings come from the checkpoint " + resume);
            }
        }
        if (resume != null && init != null) {
            throw new IllegalArgumentException("--init and --resume exclude each other: a resumed run has its weights");
        }
        OptimizerSpec optimizerSpec = training.optimizer();   // checks the numeric flags before any work
        Backend backend = backendOptions.open();
        RunFiles files = out == null ? null : new RunFiles(out);
        Checkpoint.Restored restored = resume == null ? null : Checkpoint.load(resume, backend);
        if (restored != null) {
            fitOptions.fromInfo(restored.info(), resume, restored.network().loss());
        }
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
        // a resumed run standardizes as the run it continues did
        // weights from --init were fitted to features as they are: standardize only when asked to
        boolean standardize = restored != null ? restored.info().containsKey(Standardization.METADATA_KEY)
                : init != null && !spec.commandLine().getParseResult().hasMatchedOption("--standardize") ? false
                : training.standardize;
        TrainConfig config = fitOptions.config(epochs, batch, seed, loss);   // checks the flags before loading data
        try (DataOptions.Data d = data.trainAndTest(task, seed, standardize, fitOptions.valSplit)) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--verbose")) {
                o.printf(Locale.ROOT, "loaded %s in %.2f s%n", d.description(), (System.nanoTime() - t0) * 1e-9);
            }
            Dataset train = d.train();
            if (d.standardization() == null && data.csv != null) {
                warnOfScales(train);
            }
            int outputs = train.hasLabels() ? Math.max(train.classes(), d.test().classes()) : train.targetCount();
            Network network;
            Optimizer optimizer;
            Trainer trainer;
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
                                restored.info().containsKey(RunFiles.KEY_HISTORY) ? restored.position().epoch() : 0),
                        RunFiles.readProgress(resume, restored.info()));
            } else {
                int[] sizes = training.layers(train.featureCount(), outputs, d.description());
                network = training.network(backend, sizes, loss, seed);
                if (init != null) {
                    try {
                        StateDict.loadInto(init, network);
                    } catch (IOException | RuntimeException e) {
                        network.close();
                        throw e;
                    }
                    o.println("initialized from " + init);
                }
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
        fitOptions.toInfo(info);
        if (!d.categories().isEmpty()) {
            info.put(ModelFile.KEY_CATEGORIES, ModelFile.categoriesJson(d.categories()));
        }
        if (d.standardization() != null) {
            info.put(Standardization.METADATA_KEY, d.standardization().toJson());
        }
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
                        files.checkpoint(network, optimizer, trainer.position(), seed, trainer.history(), info,
                                trainer.epochProgress());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }
        if (files == null) {
            report(o, network, d, batch, trainer.fit(d.train(), d.validation()));
            return 0;
        }
        boolean trained = trainer.position().epoch() >= plan.epochs();   // a resumed run that only lacks its final files
        try (Interruption interruption = Interruption.watch(trainer)) {
            History history = trainer.fit(d.train(), d.validation());
            Position end = trainer.position();
            if (interruption.requested() && (end.epoch() < plan.epochs() || end.batch() > 0)) {
                Position p = trainer.position();
                files.checkpoint(network, optimizer, p, seed, trainer.history(), info, trainer.epochProgress());
                o.printf(Locale.ROOT, "%ninterrupted at epoch %d, batch %d: wrote %s; continue with --resume %s%n",
                        p.epoch() + 1, p.batch(), RunFiles.CHECKPOINT, files.dir().resolve(RunFiles.CHECKPOINT));
                o.flush();
                return 130;
            }
            // a shutdown after the last step waits here until the final files are written (Interruption)
            report(o, network, d, batch, history);
            if (trained) {
                files.checkpoint(network, optimizer, end, seed, history, info, EpochProgress.NONE);
            }
            files.finish(network, history, info, title);
            o.println("wrote " + files.model() + ", " + RunFiles.CHECKPOINT + ", " + RunFiles.HISTORY_CSV + ", "
                    + RunFiles.HISTORY_JSON + " and " + RunFiles.CHART + " in " + files.dir());
            return 0;
        }
    }

    private void report(PrintWriter o, Network network, DataOptions.Data d, int batch, History history) throws IOException {
        String quality = MetricsReport.print(o, "test ", Evaluation.of(network, d.test(), batch), network.loss().toString(),
                data.targetNames());
        double seconds = history.trainingSeconds();
        long samples = (long) d.train().size() * history.size();
        o.printf(Locale.ROOT, "summary: %d epochs, %,d samples in %.2f s of training: %,.0f samples/s; %s; backend %s, %d thread(s)%n",
                history.size(), samples, seconds, seconds > 0 ? samples / seconds : Double.NaN, quality,
                network.backend().name(), Threads.get());
        o.flush();
    }

    /** Unstandardized features whose spreads differ by orders of magnitude train badly: say so. */
    private void warnOfScales(Dataset train) {
        double ratio = Standardization.spreadRatio(train.features());
        if (ratio >= SCALE_WARNING) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "warning: the features' standard deviations differ by a factor of %.3g on the training "
                    + "data and they are not standardized; without --no-standardize each is scaled to mean 0, std 1%n", ratio);
            err.flush();
        }
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
