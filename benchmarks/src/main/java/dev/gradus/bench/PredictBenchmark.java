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
 * network, one predictor per calling thread, predictions into the caller's arrays: batch 1 is
 * {@link Predictor#predictInto(float[], float[])}, a larger batch {@link Predictor#predictInto(float[][], float[][])}.
 * Neither allocates: run with {@code -prof gc} to see ~0 B/op.
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
        float[][] intoRows;

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
            intoRows = new float[batch][predictor.outputs()];
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
            predictor.predictInto(rows, intoRows);
            return intoRows;
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
}
