// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import com.google.gson.Gson;
import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.data.Dataset;
import dev.gradus.data.MnistIdx;
import dev.gradus.data.Permutation;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.report.Machine;
import dev.gradus.backend.internal.InUse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * Whole-epoch training throughput of networks A and B, measured the way ../shared/bench/torch_mlp.py measures
 * PyTorch: MNIST in memory as float32; a warm-up on a throw-away model; then per trial a fresh model
 * (seed = trial), the training set shuffled once before the timer and cut into batch views, one epoch of
 * zeroGrad/forward/backward/step timed with System.nanoTime, then test accuracy. Prints one JSON line per
 * trial, a {@code MACHINE {...}} line and one {@code RESULT {...}} line per network and backend.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.gradus.bench.EpochThroughput
 *     [--nets A,B] [--backends native,java] [--threads 2] [--trials 3] [--warmup-steps 50]
 *     [--warmup-seconds 2] [--max-steps N] [--java-max-steps N] [--test-samples N] [--data DIR] [--commit SHA]
 * </pre>
 * The warm-up repeats its {@code --warmup-steps} until {@code --warmup-seconds} have passed: the JIT
 * compiles the step's Java code over its first few thousand calls, which took network A's first three
 * epochs (0.15 s each) on the Zen 5 machine, while PyTorch's steps run at their speed from the first.
 * {@code --max-steps} stops every trial after N steps (a partial epoch, flagged in RESULT);
 * {@code --java-max-steps} does so for the Java backend only, which is far slower on B.
 * {@code --test-samples} sets how many test images the accuracy uses (0: none; the Java reference needs
 * ~10 s for all 10,000 through network A, more than its partial epoch).
 */
public final class EpochThroughput {
    private final Map<String, String> options = new LinkedHashMap<>(Map.of(
            "nets", "A,B", "backends", "native,java", "threads", "2", "trials", "3", "warmup-steps", "50",
            "max-steps", "0", "java-max-steps", "0", "data", "../shared/data/mnist", "commit", "unknown",
            "test-samples", "10000"));

    private EpochThroughput() {
        options.put("warmup-seconds", "2");
    }

    public static void main(String[] args) throws IOException {
        EpochThroughput runner = new EpochThroughput();
        runner.parse(args);
        runner.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!options.containsKey(key) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: '" + args[i] + "' (options: --"
                        + String.join(", --", options.keySet()) + ")");
            }
            options.put(key, args[++i]);
        }
    }

    private int integer(String key) {
        return Integer.parseInt(options.get(key));
    }

    private void run() throws IOException {
        int threads = integer("threads");
        Path dir = Path.of(options.get("data"));
        try (Dataset train = MnistIdx.train(dir); Dataset test = MnistIdx.test(dir)) {
            for (String net : options.get("nets").split(",")) {
                for (String backend : options.get("backends").split(",")) {
                    int maxSteps = backend.equals("java") && integer("java-max-steps") > 0
                            ? integer("java-max-steps") : integer("max-steps");
                    System.out.println("RESULT " + new Gson().toJson(measure(net, backend, threads, maxSteps, train, test)));
                    System.out.flush();
                }
            }
            // after the runs: the thread counts in force are those the measurements used
            System.out.println("MACHINE " + Machine.probe(options.get("commit")).toJson());
        }
    }

    private Map<String, Object> measure(String net, String backendName, int threads, int maxSteps, Dataset train,
                                        Dataset test) {
        Backend backend = Backends.named(backendName, threads);
        int batch = BenchNetworks.batch(net);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("net", net);
        out.put("backend", backendName);
        out.put("gradus", version());
        out.put("threads", threads);
        out.put("blas_threads", Backends.blasThreads());
        out.put("batch", batch);
        out.put("epoch_samples", train.size());
        out.put("max_steps", maxSteps);
        long t0 = System.nanoTime();
        try (Network warm = BenchNetworks.network(backend, net, 123); Optimizer o = BenchNetworks.sgd(warm);
             Dataset head = train.head(integer("warmup-steps") * batch)) {
            double seconds = Double.parseDouble(options.get("warmup-seconds"));
            int steps = 0;
            do {
                steps += (int) epoch(warm, o, head, batch, 0)[0];
            } while (System.nanoTime() - t0 < seconds * 1e9);
            out.put("warmup_steps", steps);
        }
        out.put("warmup_s", (System.nanoTime() - t0) / 1e9);
        List<Map<String, Object>> trials = new ArrayList<>();
        int params = 0;
        for (int t = 0; t < integer("trials"); t++) {
            try (Network network = BenchNetworks.network(backend, net, t); Optimizer opt = BenchNetworks.sgd(network)) {
                params = network.parameterCount();
                long s0 = System.nanoTime();
                Dataset shuffled = train.subset(Permutation.of(train.size(), 1000 + t, 0));
                double shuffleS = (System.nanoTime() - s0) / 1e9;
                try (shuffled) {
                    long e0 = System.nanoTime();
                    long[] done = epoch(network, opt, shuffled, batch, maxSteps);
                    double seconds = (System.nanoTime() - e0) / 1e9;
                    Map<String, Object> trial = new LinkedHashMap<>();
                    trial.put("epoch_s", seconds);
                    trial.put("samples", (int) done[1]);
                    trial.put("steps", (int) done[0]);
                    trial.put("offheap_growth_bytes", done[2]);
                    trial.put("samples_per_s", done[1] / seconds);
                    trial.put("us_per_step", seconds / done[0] * 1e6);
                    trial.put("shuffle_s", shuffleS);
                    int testSamples = Math.min(integer("test-samples"), test.size());
                    if (testSamples > 0) {
                        trial.put("test_acc", accuracy(network, test, testSamples));
                    }
                    trial.put("loadavg", Machine.currentLoadAverage());
                    trials.add(trial);
                    System.out.println(new Gson().toJson(trial));
                }
            }
        }
        double[] sps = trials.stream().mapToDouble(m -> (Double) m.get("samples_per_s")).sorted().toArray();
        double[] acc = trials.stream().filter(m -> m.containsKey("test_acc"))
                .mapToDouble(m -> (Double) m.get("test_acc")).sorted().toArray();
        out.put("params", params);
        out.put("trials", trials);
        out.put("samples_per_s_median", sps[sps.length / 2]);
        out.put("samples_per_s_min", sps[0]);
        out.put("samples_per_s_max", sps[sps.length - 1]);
        if (acc.length > 0) {
            out.put("test_acc_median", acc[acc.length / 2]);
            out.put("test_samples", Math.min(integer("test-samples"), test.size()));
        }
        out.put("partial", maxSteps > 0 && (int) ((Map<?, ?>) trials.get(0)).get("samples") < train.size());
        return out;
    }

    /**
     * One pass over {@code data} in its order, batches cut as views before the first step (as torch_mlp.py
     * slices a pre-shuffled tensor); returns {steps, samples, off-heap growth}: the change in JavaCPP's
     * off-heap total between the end of the first step and the end of the pass (a steady-state step
     * allocates nothing, so 0 unless the last, smaller batch needed its own workspace).
     * {@code maxSteps} 0 = the whole epoch.
     */
    static long[] epoch(Network network, Optimizer opt, Dataset data, int batch, int maxSteps) {
        int n = data.size();
        int count = (n + batch - 1) / batch;
        if (maxSteps > 0) {
            count = Math.min(count, maxSteps);
        }
        Tensor[] xs = new Tensor[count];
        Labels[] ys = new Labels[count];
        for (int i = 0; i < count; i++) {
            int rows = Math.min(batch, n - i * batch);
            xs[i] = data.features().rows(i * batch, rows);
            ys[i] = data.labels().range(i * batch, rows);
        }
        int samples = 0;
        long offHeap = 0;
        for (int i = 0; i < count; i++) {
            network.zeroGrad();
            network.forward(xs[i], ys[i]);
            network.backward();
            opt.step();
            samples += xs[i].rows();
            if (i == 0) {
                offHeap = Pointer.totalBytes();
            }
        }
        return new long[] {count, samples, Pointer.totalBytes() - offHeap};
    }

    /** Test accuracy on the first {@code samples} test images: argmax of the logits, in batches of 1000. */
    static double accuracy(Network network, Dataset test, int samples) {
        int correct = 0;
        for (int from = 0; from < samples; from += 1000) {
            int rows = Math.min(1000, samples - from);
            Tensor logits = network.predict(test.features().rows(from, rows));
            java.nio.FloatBuffer b = InUse.buffer(logits);
            int c = logits.cols();
            for (int r = 0; r < rows; r++) {
                int best = 0;
                for (int j = 1; j < c; j++) {
                    if (b.get(r * c + j) > b.get(r * c + best)) {
                        best = j;
                    }
                }
                if (best == test.labels().get(from + r)) {
                    correct++;
                }
            }
        }
        return (double) correct / samples;
    }

    private static String version() {
        String v = Tensor.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
