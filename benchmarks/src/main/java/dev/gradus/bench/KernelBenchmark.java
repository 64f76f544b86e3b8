// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;
import dev.gradus.backend.internal.InUse;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every elementwise kernel of the Backend at 4 Ki, 256 Ki and 16 Mi floats (in L1/L2, in L2/L3, in DRAM),
 * "native" vs "java". Tensors are (size/1024, 1024); cross-entropy and softmax work on rows of 1024.
 * The kernel is chosen once per trial and bound into an {@link Op}, so each fork measures exactly one call
 * site. The report turns times into GB/s with the bytes each kernel must move, listed in
 * {@code dev.gradus.report.KernelTraffic}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class KernelBenchmark {
    /** One kernel call bound to its tensors. */
    @FunctionalInterface
    interface Op {
        double run();
    }

    @Param({
        "identity_forward", "sigmoid_forward", "tanh_forward", "relu_forward", "leaky_relu_forward",
        "elu_forward", "gelu_forward", "softplus_forward", "softmax_forward",
        "identity_backward", "sigmoid_backward", "tanh_backward", "relu_backward", "leaky_relu_backward",
        "elu_backward", "gelu_backward", "softplus_backward", "softmax_backward",
        "mse_forward", "l1_forward", "huber_forward", "bce_forward", "bce_with_logits_forward",
        "mse_backward", "l1_backward", "huber_backward", "bce_backward", "bce_with_logits_backward",
        "cross_entropy_forward", "cross_entropy_backward", "dropout_forward", "dropout_backward",
        "sgd_update", "adagrad_update", "rmsprop_update", "adam_update", "adamw_update",
        "sum_of_squares", "scale", "clamp"})
    public String kernel;

    @Param({"4096", "262144", "16777216"})
    public int size;

    @Param({"native", "java"})
    public String backend;

    @Param({"2"})
    public int threads;

    static final int COLS = 1024;

    private final List<AutoCloseable> owned = new ArrayList<>();
    private Op op;

    @Setup(Level.Trial)
    public void setUp() {
        if (size % COLS != 0) {
            throw new IllegalArgumentException("size " + size + " is not a multiple of " + COLS);
        }
        op = bind(Backends.named(backend, threads), kernel);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (AutoCloseable c : owned) {
            c.close();
        }
        owned.clear();
    }

    @Benchmark
    public double run() {
        return op.run();
    }

    private Op bind(Backend be, String name) {
        int rows = size / COLS;
        SplittableRandom random = new SplittableRandom(7);
        Tensor x = tensor(rows, random, -2, 2);
        Tensor y = tensor(rows, random, -2, 2);
        Tensor z = tensor(rows, random, -2, 2);
        if (name.endsWith("_forward") && activation(name) != null) {
            Activation act = activation(name);
            return () -> { be.activationForward(act, y, x, null); return 0; };
        }
        if (name.endsWith("_backward") && activation(name) != null) {
            Activation act = activation(name);
            Tensor dout = tensor(rows, random, -1, 1);
            be.activationForward(act, y, x, null);
            return () -> { be.activationBackward(act, z, dout, x, y, null); return 0; };
        }
        Loss loss = loss(name);
        if (loss != null) {
            // BCE takes probabilities; both BCE losses take targets in [0, 1]
            Tensor pred = loss.kind() == Loss.Kind.BCE ? tensor(rows, random, 0.01, 0.99) : x;
            Tensor target = name.startsWith("bce") ? tensor(rows, random, 0, 1) : y;
            if (name.endsWith("_forward")) {
                return () -> be.lossForward(loss, pred, target);
            }
            return () -> { be.lossBackward(loss, z, pred, target); return 0; };
        }
        switch (name) {
            case "cross_entropy_forward": {
                Labels labels = labels(rows, random);
                return () -> be.crossEntropyForward(x, labels);
            }
            case "cross_entropy_backward": {
                Labels labels = labels(rows, random);
                return () -> { be.crossEntropyBackward(y, x, labels); return 0; };
            }
            case "dropout_forward":
                return () -> { be.dropoutForward(y, z, x, 0.5f, 1234L); return 0; };
            case "dropout_backward": {
                Tensor dinp = tensor(rows, random, -1, 1);
                be.dropoutForward(y, z, x, 0.5f, 1234L);
                return () -> { be.dropoutBackward(dinp, x, z); return 0; };
            }
            case "sgd_update": {
                SgdConfig c = SgdConfig.of(0.01f).withMomentum(0.9f);
                long[] step = {1};
                return () -> { be.sgdUpdate(x, y, z, c, 1e-6f, step[0]++); return 0; };
            }
            case "adagrad_update": {
                AdagradConfig c = AdagradConfig.of(0.01f);
                long[] step = {1};
                return () -> { be.adagradUpdate(x, y, z, c, 1e-6f, step[0]++); return 0; };
            }
            case "rmsprop_update": {
                RmspropConfig c = RmspropConfig.of(0.01f);
                long[] step = {1};
                return () -> { be.rmspropUpdate(x, y, z, null, null, c, 1e-6f, step[0]++); return 0; };
            }
            case "adam_update": {
                AdamConfig c = AdamConfig.adam(0.001f);
                Tensor v = tensor(rows, random, 0, 1);
                long[] step = {1};
                return () -> { be.adamUpdate(x, y, z, v, null, c, 1e-6f, step[0]++); return 0; };
            }
            case "adamw_update": {
                AdamConfig c = AdamConfig.adamw(0.001f);
                Tensor v = tensor(rows, random, 0, 1);
                long[] step = {1};
                return () -> { be.adamwUpdate(x, y, z, v, null, c, 1e-6f, step[0]++); return 0; };
            }
            case "sum_of_squares":
                return () -> be.sumOfSquares(x);
            case "scale":
                // alternating factors keep the values bounded however many calls are made
                return () -> { be.scale(x, -1f); return 0; };
            case "clamp":
                return () -> { be.clamp(x, -1f, 1f); return 0; };
            default:
                throw new IllegalArgumentException("unknown kernel '" + name + "'");
        }
    }

    private Tensor tensor(int rows, SplittableRandom random, double lo, double hi) {
        Tensor t = Tensor.allocate(rows, COLS);
        owned.add(t);
        java.nio.FloatBuffer buf = InUse.buffer(t);
        for (int i = 0, n = t.size(); i < n; i++) {
            buf.put(i, (float) (lo + random.nextDouble() * (hi - lo)));
        }
        return t;
    }

    private Labels labels(int rows, SplittableRandom random) {
        Labels l = Labels.allocate(rows);
        owned.add(l);
        for (int i = 0; i < rows; i++) {
            l.set(i, random.nextInt(COLS));
        }
        return l;
    }

    /** The activation a kernel name starts with, or null. */
    static Activation activation(String name) {
        if (name.lastIndexOf('_') < 0) {
            return null;
        }
        String act = name.substring(0, name.lastIndexOf('_'));
        try {
            return Activation.parse(act);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The loss (not cross-entropy) a kernel name starts with, or null. */
    static Loss loss(String name) {
        if (name.lastIndexOf('_') < 0) {
            return null;
        }
        String l = name.substring(0, name.lastIndexOf('_'));
        if (l.equals("cross_entropy")) {
            return null;
        }
        try {
            return Loss.parse(l);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
