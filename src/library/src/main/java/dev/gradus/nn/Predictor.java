// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.data.Standardization;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Predictions from a {@link Network} in arrays the caller owns: probabilities for a classifier,
 * outputs for a regression model, as the network's loss implies —
 * <ul>
 * <li>{@code cross_entropy}: the softmax of the logits, one probability per class;</li>
 * <li>{@code bce_with_logits}: the sigmoid of each logit, the probability of class 1 when there is one output;</li>
 * <li>{@code bce}: the outputs as they are (the network ends in a sigmoid: they are probabilities);</li>
 * <li>{@code mse}, {@code l1}, {@code huber}: the outputs as they are.</li>
 * </ul>
 * Always in eval mode (no dropout, batchnorm's running statistics); a predictor made with a {@link Standardization} (as a model trained on a
 * standardized CSV has, {@code ModelFile.Loaded.predictor()}) applies it to every input first. {@link #predictClass} gives the chosen class (argmax; {@code p >= 0.5} for
 * one binary output) and its name, when the predictor was given the class names.
 *
 * <p><b>Threads: one predictor per thread</b> (DJL's pattern). A predictor owns only its activation
 * buffers, allocated on the first call with each batch size (the last two
 * sizes are kept), and shares the network's parameters, read-only: any number of predictors of one
 * network may run at once, without a lock, and each gives bit for bit what a single thread would
 * (the same kernels on the same values). A predictor itself is not thread-safe: two threads calling
 * one predictor is an {@link IllegalStateException}, never a wrong answer. Training the network while
 * its predictors run gives predictions from parameters in mid-update: train, then serve.
 *
 * <p><b>Allocation.</b> Once a batch size has been seen, {@link #predict(float[])} and
 * {@link #predict(float[][])} allocate the returned arrays and nothing else; both {@code predictInto}
 * and {@link #predictClassIndex} allocate nothing.
 *
 * <p><b>Lifetime.</b> {@link #close()} frees the buffers (the network's close does not, but makes
 * every later call throw {@link IllegalStateException}, as a close during a call does, naming the
 * network). Closing either from any thread, at any time, is safe.
 *
 * <pre>{@code
 * try (Predictor p = network.predictor(List.of("cat", "dog"))) {   // in each serving thread
 *     float[] probabilities = p.predict(features);
 *     String label = p.predictClass(features);
 * }
 * }</pre>
 */
public final class Predictor implements AutoCloseable {
    static final int CACHED_BATCH_SIZES = 2;

    private enum Transform { SOFTMAX, SIGMOID, NONE }

    private final Network network;
    private final Transform transform;
    private final List<String> classNames;   // null: classes are named by their index
    private final Standardization standardization;   // applied to every input; null: none
    private final int in;
    private final int out;
    private final Workspace[] workspaces = new Workspace[CACHED_BATCH_SIZES];
    private final Tensor[] inputs = new Tensor[CACHED_BATCH_SIZES];
    private final float[] row;               // one row's outputs, for predictClassIndex
    private long uses;
    private final long[] lastUse = new long[CACHED_BATCH_SIZES];
    // the thread in a call (one at a time), or CLOSER once the buffers are freed: a close during a call
    // leaves the freeing to that call's end, so no buffer is ever freed under a call
    private final AtomicReference<Thread> user = new AtomicReference<>();
    private static final Thread CLOSER = new Thread("closed predictor");
    private volatile boolean closed;

    Predictor(Network network, List<String> classNames, Standardization standardization) {
        if (standardization != null && standardization.featureCount() != network.inFeatures()) {
            throw new IllegalArgumentException("a standardization of " + standardization.featureCount()
                    + " features for a network of " + network.inFeatures() + " inputs");
        }
        this.standardization = standardization;
        this.network = network;
        this.in = network.inFeatures();
        this.out = network.outFeatures();
        this.transform = switch (network.loss().kind()) {
            case CROSS_ENTROPY -> out > 1 ? Transform.SOFTMAX : Transform.NONE;
            case BCE_WITH_LOGITS -> Transform.SIGMOID;
            default -> Transform.NONE;
        };
        boolean classifier = isClassifier(network.loss());
        if (classNames != null) {
            if (!classifier) {
                throw new IllegalArgumentException("class names given for a regression network (loss "
                        + network.loss() + ")");
            }
            int classes = out == 1 ? 2 : out;
            if (classNames.size() > classes) {
                throw new IllegalArgumentException(classNames.size() + " class names for a network with " + classes
                        + " classes (" + out + " output" + (out == 1 ? ")" : "s)"));
            }
            this.classNames = List.copyOf(classNames);
        } else {
            this.classNames = null;
        }
        this.row = new float[out];
    }

    private static boolean isClassifier(Loss loss) {
        return switch (loss.kind()) {
            case CROSS_ENTROPY, BCE, BCE_WITH_LOGITS -> true;
            default -> false;
        };
    }

    /** Whether the network is a classifier (cross_entropy, bce, bce_with_logits), so predictClass applies. */
    public boolean isClassifier() {
        return isClassifier(network.loss());
    }

    /** The class names given at creation, or null. */
    public List<String> classNames() {
        return classNames;
    }

    /** The number of values per prediction: the network's outputs. */
    public int outputs() {
        return out;
    }

    /**
     * The prediction for one input row: a new array of {@link #outputs()} values.
     * @throws IllegalArgumentException unless {@code x} has the network's {@code inFeatures} values
     */
    public float[] predict(float[] x) {
        float[] result = new float[out];
        predictInto(x, result);
        return result;
    }

    /**
     * Writes the prediction for one input row into {@code into} ({@link #outputs()} values), allocating
     * nothing once the predictor has run with one row.
     */
    public void predictInto(float[] x, float[] into) {
        checkRow("input", -1, x, in);
        checkRow("output buffer", -1, into, out);
        enter();
        try {
            run(x, into);
        } finally {
            exit();
        }
    }

    /**
     * The predictions for a batch of rows, one forward pass: a new array per row. Batching is faster
     * than row by row; a row's values may differ from the single-row prediction in the last bits
     * (the GEMM's blocking depends on the batch size), never between runs or threads.
     */
    public float[][] predict(float[][] xs) {
        checkRows(xs);
        float[][] result = new float[xs.length][out];
        predictRows(xs, result);
        return result;
    }

    /**
     * Writes the predictions for a batch of rows into {@code into} (one row of {@link #outputs()} values
     * per input row), one forward pass, allocating nothing once the predictor has run with this many rows.
     * @throws IllegalArgumentException unless every row has the network's {@code inFeatures} values and
     *     {@code into} has as many rows of {@link #outputs()} values
     */
    public void predictInto(float[][] xs, float[][] into) {
        checkRows(xs);
        if (into == null || into.length != xs.length) {
            throw new IllegalArgumentException("output buffer has " + (into == null ? "no rows (null)" : into.length + " rows")
                    + " for " + xs.length + " input rows");
        }
        for (int r = 0; r < into.length; r++) {
            checkRow("output row ", r, into[r], out);
        }
        predictRows(xs, into);
    }

    private void checkRows(float[][] xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException("predict needs at least one row, got " + (xs == null ? "null" : "0 rows"));
        }
        for (int r = 0; r < xs.length; r++) {
            checkRow("row ", r, xs[r], in);
        }
    }

    private void predictRows(float[][] xs, float[][] result) {
        enter();
        try {
            int slot = slot(xs.length);
            Tensor input = inputs[slot];
            for (int r = 0; r < xs.length; r++) {
                input.copyFrom(r * in, xs[r], 0, in);
            }
            if (standardization != null) {
                standardization.apply(input);
            }
            Tensor output = forward(slot);
            for (int r = 0; r < xs.length; r++) {
                output.copyTo(r * out, result[r], 0, out);
                transform(result[r]);
            }
        } finally {
            exit();
        }
    }

    /**
     * The class chosen for {@code x}: its name when the predictor has one for it, else its index
     * (a class the training data never showed has no name).
     */
    public String predictClass(float[] x) {
        int k = predictClassIndex(x);
        return classNames != null && k < classNames.size() ? classNames.get(k) : Integer.toString(k);
    }

    /**
     * The index of the class chosen for {@code x}: the most probable (the first of equals), or for one
     * binary output 1 when its probability is at least 0.5. Allocates nothing.
     * @throws IllegalStateException for a regression network
     */
    public int predictClassIndex(float[] x) {
        if (!isClassifier()) {
            throw new IllegalStateException("predictClass needs a classifier; loss " + network.loss()
                    + " is a regression: use predict");
        }
        predictInto(x, row);
        if (out == 1) {
            return row[0] >= 0.5f ? 1 : 0;
        }
        int best = 0;
        for (int c = 1; c < out; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    private void run(float[] x, float[] into) {
        int slot = slot(1);
        inputs[slot].copyFrom(0, x, 0, in);
        if (standardization != null) {
            standardization.apply(inputs[slot]);
        }
        forward(slot).copyTo(0, into, 0, out);
        transform(into);
    }

    /** Runs the layers on the slot's input; every kernel holds its tensors, so a close is an exception. */
    private Tensor forward(int slot) {
        try {
            return network.infer(workspaces[slot], inputs[slot]);
        } catch (IllegalStateException e) {
            if (network.isClosed()) {
                throw new IllegalStateException("network is closed (by another thread during Predictor.predict)", e);
            }
            throw e;
        }
    }

    /** Softmax or sigmoid in place, as the loss implies; StrictMath, so equal on every JVM and thread. */
    private void transform(float[] v) {
        switch (transform) {
            case SOFTMAX -> {
                float max = v[0];
                for (float f : v) {
                    max = Math.max(max, f);
                }
                double sum = 0;
                for (int c = 0; c < v.length; c++) {
                    double e = StrictMath.exp((double) v[c] - max);
                    v[c] = (float) e;
                    sum += e;
                }
                for (int c = 0; c < v.length; c++) {
                    v[c] = (float) (v[c] / sum);
                }
            }
            case SIGMOID -> {
                for (int c = 0; c < v.length; c++) {
                    v[c] = (float) (1 / (1 + StrictMath.exp(-(double) v[c])));
                }
            }
            case NONE -> { }
        }
    }

    /** The cached buffers for {@code rows} rows: allocated on first use, the least recently used evicted. */
    private int slot(int rows) {
        uses++;
        int oldest = 0;
        for (int k = 0; k < workspaces.length; k++) {
            if (workspaces[k] != null && workspaces[k].rows == rows) {
                lastUse[k] = uses;
                return k;
            }
            if (workspaces[oldest] != null && (workspaces[k] == null || lastUse[k] < lastUse[oldest])) {
                oldest = k;
            }
        }
        free(oldest);
        inputs[oldest] = Tensor.allocate(rows, in);   // throws naming the shape beyond Tensor.MAX_SIZE
        workspaces[oldest] = new Workspace(rows, network.inferenceLayers(), false);
        lastUse[oldest] = uses;
        return oldest;
    }

    private void free(int k) {
        if (workspaces[k] != null) {
            workspaces[k].close();
            workspaces[k] = null;
        }
        if (inputs[k] != null) {
            inputs[k].close();
            inputs[k] = null;
        }
    }

    private void enter() {
        Thread me = Thread.currentThread();
        if (!user.compareAndSet(null, me)) {
            Thread other = user.get();
            if (other == CLOSER) {
                throw new IllegalStateException("predictor is closed");
            }
            throw new IllegalStateException("Predictor.predict on thread '" + me.getName() + "' while thread '"
                    + (other == null ? "?" : other.getName()) + "' is in it: a predictor is for one thread; "
                    + "give each thread its own (Network.predictor())");
        }
        if (closed) {
            exit();
            throw new IllegalStateException("predictor is closed");
        }
        try {
            network.checkOpen();
        } catch (IllegalStateException e) {
            exit();
            throw e;
        }
    }

    private void exit() {
        user.set(null);
        if (closed) {
            freeOnce();
        }
    }

    /** Frees the buffers unless a call is in flight (then its exit frees them) or they are freed already. */
    private void freeOnce() {
        if (user.compareAndSet(null, CLOSER)) {
            for (int k = 0; k < workspaces.length; k++) {
                free(k);
            }
        }
    }

    /** {@code what}, followed by {@code index} unless it is negative, names the row (built only on failure). */
    private static void checkRow(String what, int index, float[] v, int length) {
        if (v == null || v.length != length) {
            throw new IllegalArgumentException(what + (index < 0 ? "" : index) + " has " + (v == null ? "no values (null)" : v.length + " values")
                    + ", the network needs " + length);
        }
    }

    /**
     * Frees the buffers (at once, or when a call in flight on another thread returns); every later
     * call throws. Idempotent, safe from any thread.
     */
    @Override
    public void close() {
        closed = true;
        freeOnce();
    }
}
