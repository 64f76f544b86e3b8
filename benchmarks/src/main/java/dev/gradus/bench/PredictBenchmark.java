// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.nn.Network;
import dev.gradus.nn.Predictor;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inference through {@link Predictor} on networks A, B and C (native backend), as a server would run it: one
 * network, one predictor per calling thread. Batch 1 is {@link Predictor#predictInto} (allocates nothing);
 * a larger batch is {@link Predictor#predict(float[][])}, the predictor's only batch call, which allocates
 * just the arrays it returns ({@link #resultBytes}). Run with {@code -prof gc}.
 *
 * <ul>
 * <li>{@code latency}: sample time per call, for p50/p99 (meant for batch 1);</li>
 * <li>{@code throughput}: calls/s of one caller (samples/s = calls/s × batch);</li>
 * <li>{@code twoCallers}: calls/s of two threads, each with its own predictor on the same network: how far
 * serving scales with callers (run it with {@code threads=1}, so each caller keeps to its own core).</li>
 * </ul>
 * {@code threads} is the native backend's pool, shared by every caller of the process.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class PredictBenchmark {

    /** The network, shared read-only by every caller. */
    @State(Scope.Benchmark)
    public static class Model {
        @Param({"A", "B", "C"})
        public String net;

        @Param({"1"})
        public int threads;

        Network network;

        @Setup(Level.Trial)
        public void setUp() {
            network = BenchNetworks.network(Backends.named("native", threads), net, 1);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            network.close();
        }
    }

    /** One caller: its own predictor, inputs and output buffer. */
    @State(Scope.Thread)
    public static class Caller {
        @Param({"1", "32", "256"})
        public int batch;

        Predictor predictor;
        float[] row;
        float[] into;
        float[][] rows;

        @Setup(Level.Trial)
        public void setUp(Model model) {
            predictor = model.network.predictor();
            int in = model.network.inFeatures();
            SplittableRandom random = new SplittableRandom(3 + Thread.currentThread().getId());
            rows = new float[batch][in];
            for (float[] r : rows) {
                for (int i = 0; i < in; i++) {
                    r[i] = (float) random.nextDouble();   // MNIST-like pixels in [0, 1)
                }
            }
            row = rows[0];
            into = new float[predictor.outputs()];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            predictor.close();
        }

        Object call() {
            if (batch == 1) {
                predictor.predictInto(row, into);
                return into;
            }
            return predictor.predict(rows);
        }
    }

    @Benchmark
    public Object throughput(Caller caller) {
        return caller.call();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object latency(Caller caller) {
        return caller.call();
    }

    @Benchmark
    @Threads(2)
    public Object twoCallers(Caller caller) {
        return caller.call();
    }

    /**
     * The bytes one call at {@code batch} must allocate for its result with compressed oops: nothing at batch 1
     * (predictInto); else {@code batch} float arrays of {@code outputs} (16-byte header, 8-byte aligned) and the
     * outer array of references. What JMH's gc profiler shows beyond this is not the predictor's.
     */
    public static long resultBytes(int batch, int outputs) {
        if (batch == 1) {
            return 0;
        }
        return batch * align(16 + 4L * outputs) + align(16 + 4L * batch);
    }

    private static long align(long bytes) {
        return (bytes + 7) / 8 * 8;
    }
}
