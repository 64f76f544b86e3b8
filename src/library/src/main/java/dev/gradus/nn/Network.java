// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.internal.InUse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A sequential network of layers ({@link LayerSpec}) with a loss, computing through one {@link Backend}.
 *
 * <p><b>Memory.</b> Every parameter lives in one contiguous tensor ({@link #parameterBuffer()}) and every
 * gradient in another ({@link #gradientBuffer()}), in layer order, weight before bias; layers and
 * {@link #parameters()} hold views, so an optimizer step is one kernel call; batchnorm's running
 * statistics ({@link #buffers()}) live in a third tensor, out of the optimizers' reach. Activations and gradient
 * workspaces are allocated once per batch size (the last few sizes are kept) and reused, so a
 * steady-state training step allocates nothing. The gradient with respect to the network's input is
 * never computed.
 *
 * <p><b>One training step:</b> {@link #zeroGrad()}, {@link #forward(Tensor, Tensor)} (or with
 * {@link Labels} for cross-entropy), {@link #backward()}, then the optimizer's {@code step()}. Backward
 * accumulates into the gradients, as in PyTorch. The input and target of a forward must stay unchanged
 * until its backward.
 *
 * <pre>{@code
 * try (Network net = Network.mlp(backend, new int[] {784, 128, 10}, Activation.RELU, Loss.CROSS_ENTROPY, 42);
 *      Optimizer opt = new Sgd(net, SgdConfig.of(0.01f).withMomentum(0.9f))) {
 *     for (...each batch x, labels...) {
 *         net.zeroGrad();
 *         float loss = net.forward(x, labels);
 *         net.backward();
 *         opt.step();
 *     }
 *     Tensor logits = net.predict(testX);
 * }
 * }</pre>
 *
 * <p><b>Modes.</b> A new network is in training mode (dropout active; batchnorm normalizes with the
 * batch statistics and updates its running statistics, {@link #buffers()}), as a PyTorch module.
 * {@link #train(boolean) train(false)} turns dropout off and makes batchnorm use its running statistics,
 * unchanged. {@link #predict} and every {@link Predictor} always run in eval mode.
 *
 * <p><b>Threads.</b> The training path is for one thread at a time: {@link #forward}, {@link #backward},
 * {@link #zeroGrad}, {@link #predict(Tensor)} and an optimizer's {@code step()} on this network's
 * parameters each claim the parameters for their length (one CAS), so a second thread that calls one
 * of them meanwhile gets an {@link IllegalStateException} naming both calls and threads, instead of a
 * corrupted model. To serve predictions from many threads, give each thread its own
 * {@link Predictor} ({@link #predictor()}): they share the parameters and need no lock. {@link #close()}
 * is safe from any thread at any time: a call in flight on another thread finishes or throws
 * {@link IllegalStateException}, never touches freed memory. Close it to free its off-heap memory.
 */
public final class Network implements AutoCloseable {
    private static final int CACHED_BATCH_SIZES = 4;
    private static final String FORWARD = "Network.forward";
    private static final String BACKWARD = "Network.backward";
    private static final String PREDICT = "Network.predict";
    private static final String ZERO_GRAD = "Network.zeroGrad";

    private final Backend backend;
    private final List<LayerSpec> specs;
    private final Loss loss;
    private final long seed;
    private final Layer[] layers;
    private final Tensor params;
    private final Tensor grads;
    private final List<Parameter> parameters;
    private final Tensor buffers;
    private final List<Buffer> bufferList;
    private final Shape input;
    private final Shape[] shapes;
    private final Workspace[] cache = new Workspace[CACHED_BATCH_SIZES];
    private long uses;
    private boolean training = true;
    private long dropoutStep;
    private Workspace pending;   // the forward whose backward has not run yet
    private Tensor pendingTarget;
    private Labels pendingLabels;
    private Workspace last;      // the most recent forward or predict
    private volatile boolean closed;   // read by other threads: a close is seen by every later call

    /**
     * Builds a network from its layers for flat input samples of the first dense layer's width,
     * initializing the parameters from {@code seed} (a {@link SplittableRandom}, layer by layer; see
     * {@link Init}). Also seeds the dropout masks.
     *
     * @throws IllegalArgumentException if the list is empty, has no dense layer, or a layer cannot take
     *         the output of the one before it
     */
    public Network(Backend backend, List<LayerSpec> layerSpecs, Loss loss, long seed) {
        this(backend, Layout.impliedInput(layerSpecs), layerSpecs, loss, seed);
    }

    /**
     * Builds a network from its layers for input samples of shape {@code input} ({@code (F)}, or
     * {@code (C, H, W)} for images: a batch is then a row-major (N, C·H·W) tensor, as PyTorch's NCHW),
     * initializing the parameters from {@code seed} as {@link #Network(Backend, List, Loss, long)} does.
     *
     * @throws IllegalArgumentException if the list is empty or a layer cannot take the output of the one
     *         before it (the message names the layer and both shapes)
     */
    public Network(Backend backend, Shape input, List<LayerSpec> layerSpecs, Loss loss, long seed) {
        if (backend == null || input == null || layerSpecs == null || loss == null) {
            throw new IllegalArgumentException("backend, input shape, layers and loss must not be null");
        }
        this.backend = backend;
        this.specs = List.copyOf(layerSpecs);
        this.input = input;
        this.shapes = Layout.shapes(input, specs);
        this.loss = loss;
        this.seed = seed;
        int count = Layout.parameterCount(specs);
        this.params = Tensor.allocate(1, count);
        this.grads = Tensor.allocate(1, count);
        this.buffers = Tensor.allocate(1, Layout.bufferCount(specs));
        List<Parameter> ps = new ArrayList<>();
        List<Buffer> bs = new ArrayList<>();
        try {
            this.layers = Layout.build(specs, input, shapes, params, grads, buffers, new SplittableRandom(seed), ps, bs);
        } catch (RuntimeException e) {
            params.close();
            grads.close();
            buffers.close();
            throw e;
        }
        this.parameters = Collections.unmodifiableList(ps);
        this.bufferList = Collections.unmodifiableList(bs);
    }

    /**
     * A multilayer perceptron: dense layers of the given sizes (PyTorch's default init) with
     * {@code hidden} between them and nothing after the last one, so the output is logits for
     * cross_entropy and bce_with_logits, or a linear output for regression losses.
     * {@code mlp(b, new int[] {784, 128, 10}, Activation.RELU, Loss.CROSS_ENTROPY, 42)}.
     */
    public static Network mlp(Backend backend, int[] sizes, Activation hidden, Loss loss, long seed) {
        return new Network(backend, mlpLayers(sizes, hidden), loss, seed);
    }

    /**
     * The layers of {@link #mlp}: dense layers of the given sizes with {@code hidden} between them, as a
     * PyTorch {@code nn.Sequential(Linear, act, Linear, ...)} lays them out (the linear layers at indices
     * 0, 2, 4, ...).
     */
    public static List<LayerSpec> mlpLayers(int[] sizes, Activation hidden) {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least an input and an output size");
        }
        List<LayerSpec> specs = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (i > 0) {
                specs.add(new ActivationSpec(hidden));
            }
            specs.add(new DenseSpec(sizes[i], sizes[i + 1]));
        }
        return specs;
    }

    // ---- the passes ----------------------------------------------------------------------------

    /**
     * Forwards {@code x} (N, in) and returns the mean loss against float {@code target} (N, out).
     * The network's output stays readable through {@link #output()} until the next pass.
     */
    public float forward(Tensor x, Tensor target) {
        if (loss.usesLabels()) {
            throw new IllegalArgumentException("loss " + loss + " takes integer labels: call forward(x, labels)");
        }
        checkInput(x);
        if (target == null || target.rows() != x.rows() || target.cols() != outFeatures()) {
            throw new IllegalArgumentException("target " + (target == null ? "null" : target.shape())
                    + " must be [" + x.rows() + ", " + outFeatures() + "] for input " + x.shape());
        }
        claim(FORWARD);
        try {
            pending = null;   // a pass that throws must not leave an older forward to back-propagate
            Workspace ws = run(x, training);
            float value = backend.lossForward(loss, ws.cur[layers.length - 1], target);
            pending = ws;
            pendingTarget = target;
            pendingLabels = null;
            return value;
        } catch (IllegalStateException e) {
            throw closedDuring(FORWARD, e);
        } finally {
            unclaim();
        }
    }

    /** Forwards {@code x} (N, in) and returns the mean softmax cross-entropy against {@code labels} (N). */
    public float forward(Tensor x, Labels labels) {
        if (!loss.usesLabels()) {
            throw new IllegalArgumentException("loss " + loss + " takes float targets: call forward(x, target)");
        }
        checkInput(x);
        if (labels == null || labels.length() != x.rows()) {
            throw new IllegalArgumentException((labels == null ? "null labels" : labels.length() + " labels")
                    + " for input " + x.shape() + " (one label per row)");
        }
        claim(FORWARD);
        try {
            pending = null;
            Workspace ws = run(x, training);
            float value = backend.crossEntropyForward(ws.cur[layers.length - 1], labels);
            pending = ws;
            pendingTarget = null;
            pendingLabels = labels;
            return value;
        } catch (IllegalStateException e) {
            throw closedDuring(FORWARD, e);
        } finally {
            unclaim();
        }
    }

    /** Back-propagates the loss of the last forward, accumulating into the gradients. Once per forward. */
    public void backward() {
        checkOpen();
        claim(BACKWARD);
        try {
            Workspace ws = pending;
            if (ws == null) {
                throw new IllegalStateException("backward() needs a forward(x, target) first (once per forward)");
            }
            pending = null;
            ws.ensureGrads(layers);
            int n = layers.length;
            Tensor dpred = ws.grad[n - 1];
            if (pendingLabels != null) {
                backend.crossEntropyBackward(dpred, ws.cur[n - 1], pendingLabels);
            } else {
                backend.lossBackward(loss, dpred, ws.cur[n - 1], pendingTarget);
            }
            ws.dcur[n - 1] = dpred;
            for (int i = n - 1; i >= 0; i--) {
                layers[i].backward(backend, ws, i, i == 0 ? ws.input : ws.cur[i - 1]);
            }
            pendingTarget = null;
            pendingLabels = null;
        } catch (IllegalStateException e) {
            throw closedDuring(BACKWARD, e);
        } finally {
            unclaim();
        }
    }

    /**
     * The network's output for {@code x} (N, in), in eval mode (no dropout, batchnorm's running statistics) and no loss: logits for cross_entropy
     * and bce_with_logits (apply softmax/sigmoid for probabilities; argmax is the same). The returned
     * tensor belongs to the network: it is valid until the next pass with this batch size or close();
     * copy it to keep it. Part of the training path (one thread at a time); for serving, and for
     * probabilities in arrays the caller owns, use a {@link Predictor}.
     */
    public Tensor predict(Tensor x) {
        checkInput(x);
        claim(PREDICT);
        try {
            pending = null;
            return run(x, false).cur[layers.length - 1];
        } catch (IllegalStateException e) {
            throw closedDuring(PREDICT, e);
        } finally {
            unclaim();
        }
    }

    /**
     * A new {@link Predictor} over this network's parameters: for one thread; cheap (its activation
     * buffers only, allocated on first use); any number may run at once. Close it, or the network.
     */
    public Predictor predictor() {
        return predictor(null);
    }

    /**
     * As {@link #predictor()}, with the names of the classes, in label order, for
     * {@link Predictor#predictClass} (for one binary output: class 0's, then class 1's); null for none.
     * @throws IllegalArgumentException for more names than classes, or names for a regression network
     */
    public Predictor predictor(List<String> classNames) {
        return predictor(classNames, null);
    }

    /**
     * As {@link #predictor(List)}, standardizing every input with {@code inputs} first (null: none), as
     * the network's training data was.
     * @throws IllegalArgumentException when {@code inputs} has another feature count than the network
     */
    public Predictor predictor(List<String> classNames, dev.gradus.data.Standardization inputs) {
        checkOpen();
        return new Predictor(this, classNames, inputs);
    }

    /** The layers run on {@code ws} from {@code x} in eval mode, touching no state of the network: a Predictor's pass. */
    Tensor infer(Workspace ws, Tensor x) {
        Tensor in = x;
        for (int i = 0; i < layers.length; i++) {
            layers[i].forward(backend, ws, i, in, false, 0L);
            in = ws.cur[i];
        }
        return in;
    }

    Layer[] inferenceLayers() {
        return layers;
    }

    boolean isClosed() {
        return closed;
    }

    /** The output of the last forward or predict (owned by the network, as for {@link #predict}). */
    public Tensor output() {
        checkOpen();
        if (last == null) {
            throw new IllegalStateException("no forward pass has run yet");
        }
        return last.cur[layers.length - 1];
    }

    private Workspace run(Tensor x, boolean dropoutOn) {
        Workspace ws = workspace(x.rows());
        ws.input = x;
        long step = dropoutStep;
        if (dropoutOn) {
            dropoutStep++;
        }
        Tensor in = x;
        for (int i = 0; i < layers.length; i++) {
            layers[i].forward(backend, ws, i, in, dropoutOn, dropoutSeed(i, step));
            in = ws.cur[i];
        }
        last = ws;
        return ws;
    }

    /** SplitMix64's finalizer over (seed, layer, step): distinct, well-mixed mask seeds. */
    private long dropoutSeed(int layer, long step) {
        long z = seed ^ 0x9E3779B97F4A7C15L * (step + 1) ^ 0xBF58476D1CE4E5B9L * (layer + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private Workspace workspace(int rows) {
        uses++;
        for (Workspace ws : cache) {
            if (ws != null && ws.rows == rows) {
                ws.lastUse = uses;
                return ws;
            }
        }
        synchronized (cache) {   // against a close() on another thread: nothing allocated after it stays unfreed
            checkOpen();
            int oldest = 0;
            for (int k = 0; k < cache.length; k++) {
                if (cache[k] == null) {
                    oldest = k;
                    break;
                }
                if (cache[k].lastUse < cache[oldest].lastUse) {
                    oldest = k;
                }
            }
            if (cache[oldest] != null) {
                Workspace evicted = cache[oldest];
                if (evicted == pending) {
                    pending = null;
                }
                if (evicted == last) {
                    last = null;
                }
                evicted.close();
            }
            Workspace ws = new Workspace(rows, layers, true);
            ws.lastUse = uses;
            cache[oldest] = ws;
            return ws;
        }
    }

    /** Claims the parameters for {@code operation} on this thread: see "Threads" in the class comment. */
    private void claim(String operation) {
        InUse.claim(params, operation);
    }

    private void unclaim() {
        InUse.unclaim(params);
    }

    /** A tensor found closed in a pass: name the network when another thread closed it meanwhile. */
    private IllegalStateException closedDuring(String operation, IllegalStateException e) {
        return closed ? new IllegalStateException("network is closed (by another thread during " + operation + ")", e) : e;
    }

    private void checkInput(Tensor x) {
        checkOpen();
        if (x == null || x.cols() != input.size() || x.rows() < 1) {
            throw new IllegalArgumentException("input " + (x == null ? "null" : x.shape()) + " must be [N >= 1, "
                    + input.size() + "]" + (input.isImage() ? " (samples " + input + " flattened)" : ""));
        }
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("network is closed");
        }
    }

    // ---- parameters and state --------------------------------------------------------------------

    /** Sets every gradient to 0 (one pass over the gradient buffer, split as the optimizer's update). */
    public void zeroGrad() {
        checkOpen();
        claim(ZERO_GRAD);
        try {
            backend.zero(grads);
        } catch (IllegalStateException e) {
            throw closedDuring(ZERO_GRAD, e);
        } finally {
            unclaim();
        }
    }

    /** The named parameters in layer order ("0.weight", "0.bias", "2.weight", ...): views, owned by the network. */
    public List<Parameter> parameters() { return parameters; }

    /** The parameter with this PyTorch name. */
    public Parameter parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter named '" + name + "'; the network has " + parameterNames());
    }

    private List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (Parameter p : parameters) {
            names.add(p.name());
        }
        return names;
    }

    /**
     * The buffers in layer order ({@code "1.running_mean"}, {@code "1.running_var"},
     * {@code "1.num_batches_tracked"}, ...): layer state that training-mode forwards update and no
     * optimizer does, owned by the network; empty for a network without batchnorm.
     */
    public List<Buffer> buffers() { return bufferList; }

    /** The buffer with this PyTorch name. */
    public Buffer buffer(String name) {
        for (Buffer b : bufferList) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        List<String> names = new ArrayList<>();
        for (Buffer b : bufferList) {
            names.add(b.name());
        }
        throw new IllegalArgumentException("no buffer named '" + name + "'; the network has " + names);
    }

    /** All parameter values, one contiguous (1, parameterCount) tensor. */
    public Tensor parameterBuffer() { checkOpen(); return params; }

    /** All gradients, one contiguous (1, parameterCount) tensor, laid out as {@link #parameterBuffer()}. */
    public Tensor gradientBuffer() { checkOpen(); return grads; }

    public int parameterCount() { return params.size(); }

    /**
     * The name of the first parameter whose gradient holds a NaN or an infinity, or null when all are
     * finite. One {@code sumOfSquares} per parameter: call it when the global check has failed.
     */
    public String firstNonFiniteGradient() {
        for (Parameter p : parameters) {
            if (!Double.isFinite(backend.sumOfSquares(p.grad()))) {
                return p.name();
            }
        }
        return null;
    }

    /** The name of the first parameter whose value holds a NaN or an infinity, or null. */
    public String firstNonFiniteParameter() {
        for (Parameter p : parameters) {
            if (!Double.isFinite(backend.sumOfSquares(p.value()))) {
                return p.name();
            }
        }
        return null;
    }

    /**
     * Training mode (dropout active, batchnorm normalizing with batch statistics and updating its
     * running ones) when {@code on}, evaluation mode (no dropout, batchnorm's running statistics)
     * otherwise; returns this.
     */
    public Network train(boolean on) {
        training = on;
        return this;
    }

    public boolean isTraining() { return training; }

    /**
     * How many training-mode forward passes have run: dropout masks are a function of (seed, layer,
     * this count), so saving and restoring it (with the parameters) resumes training exactly.
     */
    public long dropoutStep() { return dropoutStep; }

    public void setDropoutStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("dropout step must be >= 0, got " + step);
        }
        dropoutStep = step;
    }

    /** The dropout mask layer i applied in the last forward (for tests); null if it applied none. */
    Tensor dropoutMask(int i) {
        return last == null || !(layers[i] instanceof DropoutLayer) || !last.dropped[i] ? null : last.scratch[i];
    }

    public Backend backend() { return backend; }
    public Loss loss() { return loss; }
    public long seed() { return seed; }
    /** The layer specs, in order (what a model file stores). */
    public List<LayerSpec> layers() { return specs; }
    /** Values per input sample: a row of the input tensor. */
    public int inFeatures() { return input.size(); }
    /** The shape of one input sample. */
    public Shape inputShape() { return input; }
    /** The shape of one sample of layer i's output. */
    public Shape outputShape(int i) { return shapes[i]; }
    public int outFeatures() { return layers[layers.length - 1].outFeatures(); }

    /** A readable table: one row per layer with its output shape and parameter count, then the totals. */
    public String summary() {
        return Summary.of(this);
    }

    /** Frees the parameters, gradients and workspaces; every view becomes invalid. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (cache) {
            for (int k = 0; k < cache.length; k++) {
                if (cache[k] != null) {
                    cache[k].close();
                    cache[k] = null;
                }
            }
        }
        params.close();
        grads.close();
        buffers.close();
    }
}
