// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.data.Batch;
import dev.gradus.data.Batches;
import dev.gradus.data.Dataset;
import dev.gradus.nn.Buffer;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.backend.internal.InUse;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Trains a {@link Network} with an {@link Optimizer} over a {@link Dataset}, as a {@link TrainConfig}
 * says. One iteration is PyTorch's: zero the gradients, forward, loss, backward, (clip), optimizer step.
 *
 * <pre>{@code
 * try (Network net = Network.mlp(backend, new int[] {784, 128, 10}, Activation.RELU, Loss.CROSS_ENTROPY, 1);
 *      Optimizer adam = new Adam(net, AdamConfig.adam(1e-3f))) {
 *     History h = new Trainer(net, adam, TrainConfig.of(5, 64, 1).withValidation(0.1))
 *             .addListener(new ConsoleLog(System.out, 100))
 *             .fit(train);
 * }}</pre>
 *
 * <p><b>Order and reproducibility.</b> Epoch {@code e} visits the samples in the order
 * {@code Permutation(seed, e)}; the validation split (when {@code validationFraction > 0}) is drawn from
 * the same seed. The same seed and backend therefore give bit-identical parameters on a given OpenBLAS
 * kernel, whatever the thread count (kernels split work by size alone), and a run
 * resumed with {@link #resume} from a checkpoint's {@link #position()} (with the parameters, optimizer
 * state and dropout step restored) continues exactly as the uninterrupted run.
 *
 * <p><b>Learning-rate schedule.</b> Before each epoch (or iteration, per {@link ScheduleUnit}) the
 * optimizer's rate is set to {@code schedule.lr(base, t)}, {@code base} being the optimizer's rate when
 * this trainer was made.
 *
 * <p><b>Divergence.</b> The loss of every batch and the norm of the whole gradient (one pass over the
 * gradient buffer, shared with gradient clipping) are checked; a NaN or infinity throws
 * {@link TrainingDivergedException} naming the epoch, iteration and parameter.
 *
 * <p><b>Allocation.</b> A steady-state iteration allocates nothing in this class: batches are gathered
 * into preallocated tensors, listeners get primitives, and accuracy is counted straight from the output.
 *
 * <p>The network stays in training mode while training and is left in training mode; validation runs
 * in evaluation mode (dropout off, batchnorm's running statistics).
 */
public final class Trainer {
    private final Network network;
    private final Optimizer optimizer;
    private final TrainConfig config;
    private final float baseLr;
    private TrainingListener[] listeners = new TrainingListener[0];
    private int posEpoch;          // the position, as primitives: updating it allocates nothing
    private int posBatch;
    private long posStep;
    private double epochLossSum;   // the current epoch's running figures, also part of the position
    private long epochCorrect;
    private long epochSamples;
    private double epochSecondsBefore; // training seconds of this epoch before a resume
    private long epochStart;           // System.nanoTime() when this epoch's (resumed) run began
    private boolean inEpoch;
    private History history = new History();
    private volatile boolean stopRequested;

    public Trainer(Network network, Optimizer optimizer, TrainConfig config) {
        if (network == null || optimizer == null || config == null) {
            throw new IllegalArgumentException("network, optimizer and config must not be null");
        }
        this.network = network;
        this.optimizer = optimizer;
        this.config = config;
        this.baseLr = optimizer.lr();
    }

    /** Adds a listener (called in the order added); returns this. */
    public Trainer addListener(TrainingListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        listeners = Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = listener;
        return this;
    }

    /**
     * Continues from a checkpoint: the next {@code fit} starts at batch {@code p.batch()} of epoch
     * {@code p.epoch()} and appends to {@code earlier}. The caller restores the parameters, the optimizer
     * state and {@link Network#setDropoutStep} first. Early stopping's counters are rebuilt from
     * {@code earlier}; its copy of the best weights starts from the resumed parameters (the weights of
     * an earlier best epoch are not in a checkpoint). With a schedule, the rate is recomputed from the
     * base rate before every epoch or iteration, so restoring the optimizer's rate does not matter, but
     * the base rate is the optimizer's rate when the trainer was made: make the trainer first.
     * A mid-epoch resume without the epoch's {@link EpochProgress} reports that epoch's figures over the
     * batches after the resume only.
     */
    public Trainer resume(Position p, History earlier) {
        return resume(p, earlier, EpochProgress.NONE);
    }

    /** As {@link #resume(Position, History)}, with the running figures of the interrupted epoch. */
    public Trainer resume(Position p, History earlier, EpochProgress progress) {
        if (p == null || earlier == null || progress == null) {
            throw new IllegalArgumentException("position, history and progress must not be null");
        }
        posEpoch = p.epoch();
        posBatch = p.batch();
        posStep = p.step();
        epochLossSum = progress.lossSum();
        epochCorrect = progress.correct();
        epochSamples = progress.samples();
        epochSecondsBefore = progress.seconds();
        history = new History(earlier.epochs());
        return this;
    }

    /** Where training stands: the next batch to run. Up to date inside every listener hook. */
    public Position position() { return new Position(posEpoch, posBatch, posStep); }

    /**
     * The running figures of the current epoch (up to date inside every listener hook; {@link
     * EpochProgress#NONE} at an epoch boundary), for a mid-epoch checkpoint.
     */
    public EpochProgress epochProgress() {
        double seconds = inEpoch ? epochSecondsBefore + (System.nanoTime() - epochStart) * 1e-9 : epochSecondsBefore;
        return new EpochProgress(epochLossSum, epochCorrect, epochSamples, seconds);
    }

    /** The epochs finished so far (including resumed ones). */
    public History history() { return history; }

    public TrainConfig config() { return config; }

    /** Asks a running {@code fit} to stop after the current iteration (safe from another thread). */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Trains on {@code data}, holding out {@code config.validationFraction()} of it for validation
     * (a seeded split) when that is above 0.
     */
    public History fit(Dataset data) {
        if (config.validationFraction() > 0) {
            try (Dataset.Split split = data.split(config.validationFraction(), config.seed())) {
                return fit(split.train(), split.validation());
            }
        }
        return fit(data, null);
    }

    /** Trains on {@code train}, validating on {@code validation} (may be null) after every epoch. */
    public History fit(Dataset train, Dataset validation) {
        check(train, "training");
        if (validation != null) {
            check(validation, "validation");
        }
        if (config.earlyStopping() != null) {
            config.earlyStopping().check(network.loss());
        }
        stopRequested = false;
        try (Batches batches = new Batches(train, config.batchSize(), config.seed(), config.dropLast());
             Batches valBatches = validation == null ? null : new Batches(validation, config.batchSize(), config.seed());
             Tensor best = config.earlyStopping() == null ? null : Tensor.allocate(1, network.parameterCount())) {
            return loop(train, validation, batches, valBatches, best);
        }
    }

    private History loop(Dataset train, Dataset validation, Batches batches, Batches valBatches, Tensor best) {
        Backend backend = network.backend();
        Tensor params = network.parameterBuffer();
        Tensor grads = network.gradientBuffer();
        EarlyStopping es = config.earlyStopping();
        EarlyStopping.Metric metric = es == null ? null : es.metric();
        double bestValue = es != null && metric.maximizes() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        int bestEpoch = -1;
        int wait = 0;
        if (es != null) {
            for (EpochResult r : history.epochs()) {
                if (metric.improves(metric.of(r), bestValue, es.minDelta())) {
                    bestValue = metric.of(r);
                    bestEpoch = r.epoch();
                    wait = 0;
                } else {
                    wait++;
                }
            }
            best.copyFrom(params);
        }
        BufferSnapshot bestBuffers = es == null ? null : new BufferSnapshot(network);
        int start = posEpoch;
        fire(new TrainingListener.Plan(config.epochs(), start, batches.count(), batches.batchSize(), train.size(),
                validation == null ? 0 : validation.size()));
        boolean labels = train.hasLabels();
        network.train(true);
        long step = posStep;
        boolean stop = es != null && wait >= es.patience();
        for (int epoch = start; epoch < config.epochs() && !stop && !stopRequested; epoch++) {
            if (config.schedule() != null && config.scheduleUnit() == ScheduleUnit.EPOCH) {
                config.schedule().apply(optimizer, baseLr, epoch);
            }
            for (TrainingListener l : listeners) {
                l.onEpochStart(epoch);
            }
            batches.startEpoch(epoch);
            if (epoch == start && posBatch > 0) {
                batches.seek(posBatch);    // the running figures, if any, came with resume()
            } else {
                epochLossSum = 0;
                epochCorrect = 0;
                epochSamples = 0;
                epochSecondsBefore = 0;
            }
            epochStart = System.nanoTime();
            inEpoch = true;
            while (batches.hasNext() && !stopRequested) {
                Batch b = batches.next();
                int iteration = b.index();
                if (config.schedule() != null && config.scheduleUnit() == ScheduleUnit.ITERATION) {
                    config.schedule().apply(optimizer, baseLr, step);
                }
                network.zeroGrad();
                float loss;
                try {
                    loss = labels ? network.forward(b.features(), b.labels()) : network.forward(b.features(), b.targets());
                } catch (IllegalArgumentException e) {   // bce refuses a NaN prediction: say why there is one
                    String p = network.firstNonFiniteParameter();
                    if (p == null) {
                        throw e;
                    }
                    throw diverged(e.getMessage(), epoch, iteration, batches.count(), step, p,
                            "parameter " + p + " holds NaN or infinity");
                }
                if (!Float.isFinite(loss)) {
                    String p = network.firstNonFiniteParameter();
                    throw diverged("loss is " + loss, epoch, iteration, batches.count(), step, p,
                            p == null ? "every parameter is finite (" + largestParameter()
                                    + "), so the input or the targets hold NaN/inf or the outputs overflowed"
                                    : "parameter " + p + " holds NaN or infinity");
                }
                if (labels) {
                    epochCorrect += correctCount(network.output(), b.labels(), b.size());
                }
                network.backward();
                double norm = config.clipping() != null ? config.clipping().apply(backend, grads)
                        : backend.sumOfSquares(grads);
                if (!Double.isFinite(norm)) {
                    String p = network.firstNonFiniteGradient();
                    throw diverged("gradient is not finite", epoch, iteration, batches.count(), step, p,
                            "first in parameter " + p + "; the loss was " + loss);
                }
                optimizer.step();
                epochLossSum += (double) loss * b.size();
                epochSamples += b.size();
                posEpoch = epoch;
                posBatch = iteration + 1;
                posStep = step + 1;
                for (TrainingListener l : listeners) {
                    l.onStep(epoch, iteration, step, loss, b.size());
                }
                step++;
            }
            double seconds = epochSecondsBefore + (System.nanoTime() - epochStart) * 1e-9;
            if (batches.hasNext()) {
                epochSecondsBefore = seconds;   // stop requested mid-epoch: the position says where to resume
                inEpoch = false;
                break;
            }
            inEpoch = false;
            double lossSum = epochLossSum;
            long correct = epochCorrect;
            long samples = epochSamples;
            epochLossSum = 0;
            epochCorrect = 0;
            epochSamples = 0;
            epochSecondsBefore = 0;
            posEpoch = epoch + 1;
            posBatch = 0;
            posStep = step;
            double valLoss = Double.NaN;
            double valAcc = Double.NaN;
            if (valBatches != null) {
                double[] m = measure(valBatches, labels);
                valLoss = m[0];
                valAcc = m[1];
            }
            EpochResult r = new EpochResult(epoch, step, samples == 0 ? Double.NaN : lossSum / samples,
                    labels && samples > 0 ? (double) correct / samples : Double.NaN, valLoss, valAcc,
                    seconds, seconds > 0 ? samples / seconds : Double.NaN, optimizer.lr());
            history.add(r);
            if (es != null) {
                if (metric.improves(metric.of(r), bestValue, es.minDelta())) {
                    bestValue = metric.of(r);
                    bestEpoch = epoch;
                    best.copyFrom(params);
                    bestBuffers.save();
                    wait = 0;
                } else if (++wait >= es.patience()) {
                    stop = true;
                }
            }
            for (TrainingListener l : listeners) {
                l.onEpochEnd(r);
            }
        }
        if (es != null && bestEpoch >= 0) {
            params.copyFrom(best);
            bestBuffers.restore();
        }
        for (TrainingListener l : listeners) {
            l.onEnd(history);
        }
        return history;
    }

    /** Mean loss and accuracy over a dataset, in evaluation mode. */
    private double[] measure(Batches batches, boolean labels) {
        network.train(false);
        try {
            double lossSum = 0;
            long correct = 0;
            long samples = 0;
            batches.startInOrder();
            while (batches.hasNext()) {
                Batch b = batches.next();
                float loss = labels ? network.forward(b.features(), b.labels()) : network.forward(b.features(), b.targets());
                lossSum += (double) loss * b.size();
                if (labels) {
                    correct += correctCount(network.output(), b.labels(), b.size());
                }
                samples += b.size();
            }
            return new double[] {lossSum / samples, labels ? (double) correct / samples : Double.NaN};
        } finally {
            network.train(true);
        }
    }

    /** Rows whose arg-max (the first maximum, as torch.argmax) equals the label. */
    static int correctCount(Tensor output, Labels labels, int rows) {
        InUse.acquire(output);   // held while read: a network closed by another thread is an exception
        try {
            InUse.acquire(labels);
            try {
                FloatBuffer o = InUse.buffer(output);
                IntBuffer y = InUse.buffer(labels);
                int c = output.cols();
                int correct = 0;
                for (int i = 0; i < rows; i++) {
                    if (Evaluation.argmax(o, i * c, c) == y.get(i)) {
                        correct++;
                    }
                }
                return correct;
            } finally {
                InUse.release(labels);
            }
        } finally {
            InUse.release(output);
        }
    }

    /** "largest |value| 3.1e+29 in 0.weight", for divergence messages (error path only). */
    private String largestParameter() {
        float max = -1;
        String where = "";
        for (dev.gradus.nn.Parameter p : network.parameters()) {
            float[] v = p.value().toArray();   // error path only: a copy, held while taken
            for (float f : v) {
                float a = Math.abs(f);
                if (a > max) {
                    max = a;
                    where = p.name();
                }
            }
        }
        return "largest |value| " + max + " in " + where;
    }

    private void check(Dataset d, String what) {
        if (d.featureCount() != network.inFeatures()) {
            throw new IllegalArgumentException("the " + what + " data has " + d.featureCount()
                    + " features but the network takes " + network.inFeatures());
        }
        boolean wantsLabels = network.loss().usesLabels();
        if (d.hasLabels() != wantsLabels) {
            throw new IllegalArgumentException("loss " + network.loss() + " needs " + (wantsLabels ? "integer labels" : "float targets")
                    + " but the " + what + " data has " + (d.hasLabels() ? "labels" : "targets"));
        }
        if (d.hasLabels() && d.classes() > network.outFeatures()) {
            throw new IllegalArgumentException("the " + what + " data has " + d.classes() + " classes but the network has "
                    + network.outFeatures() + " outputs");
        }
        if (!d.hasLabels() && d.targetCount() != network.outFeatures()) {
            throw new IllegalArgumentException("the " + what + " data has " + d.targetCount()
                    + " targets per sample but the network has " + network.outFeatures() + " outputs");
        }
    }

    private void fire(TrainingListener.Plan plan) {
        for (TrainingListener l : listeners) {
            l.onStart(plan);
        }
    }

    /** Epoch and batch 1-based, as in the epoch lines; the iteration as in "Iteration: i" lines. */
    private TrainingDivergedException diverged(String what, int epoch, int iteration, int batchesPerEpoch, long step,
                                               String param, String detail) {
        return new TrainingDivergedException("training diverged at epoch " + (epoch + 1) + "/" + config.epochs()
                + ", batch " + (iteration + 1) + "/" + batchesPerEpoch + " (iteration " + step + "): " + what + "; " + detail
                + ". " + TrainingDivergedException.ADVICE, epoch, iteration, param);
    }

    /** The buffers (batchnorm's running statistics) of the best epoch, restored with its weights. */
    private static final class BufferSnapshot {
        private final List<Buffer> buffers;
        private final float[][] values;
        private final long[] counts;

        BufferSnapshot(Network network) {
            buffers = network.buffers();
            values = new float[buffers.size()][];
            counts = new long[buffers.size()];
            for (int k = 0; k < values.length; k++) {
                values[k] = buffers.get(k).isCounter() ? null : new float[buffers.get(k).value().size()];
            }
            save();
        }

        void save() {
            for (int k = 0; k < values.length; k++) {
                Buffer b = buffers.get(k);
                if (b.isCounter()) {
                    counts[k] = b.count();
                } else {
                    b.value().copyTo(0, values[k], 0, values[k].length);
                }
            }
        }

        void restore() {
            for (int k = 0; k < values.length; k++) {
                Buffer b = buffers.get(k);
                if (b.isCounter()) {
                    b.setCount(counts[k]);
                } else {
                    b.value().copyFrom(values[k]);
                }
            }
        }
    }
}
