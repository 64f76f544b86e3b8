// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.data.CsvDataset;
import dev.gradus.data.Dataset;
import dev.gradus.io.Architecture;
import dev.gradus.io.OptimizerSpec;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.train.Evaluation;
import dev.gradus.train.History;
import dev.gradus.train.Position;
import dev.gradus.train.TrainConfig;
import dev.gradus.train.Trainer;
import dev.gradus.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradus compare}: the same network, from the same seed, trained on the Java and the native
 * backend in lockstep, one epoch each in turn. After each epoch: both losses, the largest difference
 * of any step's loss and of any parameter, and each backend's speed.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains one network on the java and the native backend side by side and compares them.",
                "Same seed, same data order, epoch by epoch; after each epoch: both losses, the largest",
                "difference in any step's loss and in any parameter, and the speed ratio."})
final class CompareCommand implements Callable<Integer> {
    @Mixin DataOptions data;
    @Mixin TrainingOptions training;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the native backend. Default: all processors.")
    Integer threads;

    @Option(names = "--samples", paramLabel = "N",
            description = "Train on the first N training samples only: a few steps, as the java backend is slow on "
                    + "convolutions. Default: all.")
    Integer samples;

    @Spec CommandSpec spec;

    /** One backend's run: its network, optimizer, where it stands, and each step's loss of the current epoch. */
    private static final class Side implements TrainingListener, AutoCloseable {
        final String name;
        final Network network;
        final Optimizer optimizer;
        Position position = Position.START;
        History history = new History();
        float[] losses = new float[0];

        Side(String name, Network network, Optimizer optimizer) {
            this.name = name;
            this.network = network;
            this.optimizer = optimizer;
        }

        @Override
        public void onStart(Plan plan) {
            losses = new float[plan.batchesPerEpoch()];
        }

        @Override
        public void onStep(int epoch, int iteration, long step, float loss, int samples) {
            losses[iteration] = loss;
        }

        @Override
        public void close() {
            optimizer.close();
            network.close();
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        OptimizerSpec optimizerSpec = training.optimizer();
        BackendOptions backends = new BackendOptions();
        backends.threads = threads;
        CsvDataset.Task task = training.loss().usesLabels() ? CsvDataset.Task.CLASSIFICATION : CsvDataset.Task.REGRESSION;
        if (samples != null && samples < 1) {
            throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        }
        try (DataOptions.Data all = data.trainAndTest(task, training.seed, training.standardize, 0);
             Dataset head = samples == null ? null : all.train().head(Math.min(samples, all.train().size()))) {
            Dataset train = head != null ? head : all.train();
            DataOptions.Data d = new DataOptions.Data(train, null, all.test(), all.description(), all.standardization(),
                    all.categories());
            int outputs = train.hasLabels() ? Math.max(train.classes(), d.test().classes()) : train.targetCount();
            Architecture architecture = training.architecture(train, outputs, d.description(), training.loss());
            try (Side java = side("java", backends, architecture, optimizerSpec);
                 Side nat = side("native", backends, architecture, optimizerSpec)) {
                o.println(TrainCommand.title(java.network, java.optimizer, training.batch) + " on " + d.description()
                        + (samples == null ? "" : String.format(Locale.ROOT, ", its first %,d training samples", train.size())));
                o.println("same seed, same data order; java = pure-Java reference, native = OpenBLAS + C++ kernels ("
                        + dev.gradus.Threads.get() + " thread(s))");
                for (int epoch = 0; epoch < training.epochs; epoch++) {
                    double tj = epoch(java, epoch, d);
                    double tn = epoch(nat, epoch, d);
                    o.println(line(epoch, java, nat, tj, tn, d.train().size()));
                    o.flush();
                }
                if (d.test().hasLabels()) {
                    double aj = Evaluation.of(java.network, d.test(), 256).accuracy();
                    double an = Evaluation.of(nat.network, d.test(), 256).accuracy();
                    o.printf(Locale.ROOT, "test accuracy: java %.2f%%, native %.2f%%%n", 100 * aj, 100 * an);
                }
                double sj = java.history.trainingSeconds();
                double sn = nat.history.trainingSeconds();
                o.printf(Locale.ROOT, "training time: java %.2f s, native %.2f s: native is %.1fx faster%n", sj, sn, sj / sn);
            }
        }
        return 0;
    }

    private Side side(String name, BackendOptions backends, Architecture architecture, OptimizerSpec spec) {
        Network n = architecture.build(backends.open(name), training.seed);
        try {
            return new Side(name, n, spec.create(n));
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
    }

    /** Trains {@code side} through epoch {@code epoch}; returns that epoch's training seconds. */
    private double epoch(Side side, int epoch, DataOptions.Data d) {
        Trainer t = new Trainer(side.network, side.optimizer, TrainConfig.of(epoch + 1, training.batch, training.seed))
                .resume(side.position, side.history).addListener(side);
        side.history = t.fit(d.train(), d.test());
        side.position = t.position();
        return side.history.last().seconds();
    }

    private String line(int epoch, Side java, Side nat, double tj, double tn, int samples) {
        double dLoss = 0;
        for (int i = 0; i < java.losses.length; i++) {
            dLoss = Math.max(dLoss, Math.abs((double) java.losses[i] - nat.losses[i]));
        }
        float[] pj = java.network.parameterBuffer().toArray();
        float[] pn = nat.network.parameterBuffer().toArray();
        double dParam = 0;
        for (int i = 0; i < pj.length; i++) {
            dParam = Math.max(dParam, Math.abs((double) pj[i] - pn[i]));
        }
        return String.format(Locale.ROOT, "epoch %d/%d  loss java %.6f native %.6f  max |Δloss| %.2e  max |Δparam| %.2e  "
                        + "java %,.0f samples/s  native %,.0f samples/s  native/java %.1fx",
                epoch + 1, training.epochs, java.history.last().trainLoss(), nat.history.last().trainLoss(), dLoss, dParam,
                samples / tj, samples / tn, tj / tn);
    }
}
