// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.backend.internal.InUse;
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
 * One full training step of network A, B, C or D on a fixed random batch (MNIST-sized rows): zeroGrad, forward with the loss,
 * backward, SGD-momentum step. Run with {@code -prof gc}: a steady-state step should allocate nothing
 * (at most 64 B/op, JMH's own noise).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class TrainStepBenchmark {
    @Param({"A", "B", "C", "D"})
    public String net;

    @Param({"native", "java"})
    public String backend;

    @Param({"2"})
    public int threads;

    private Network network;
    private Optimizer optimizer;
    private Tensor x;
    private Labels labels;

    @Setup(Level.Trial)
    public void setUp() {
        network = BenchNetworks.network(Backends.named(backend, threads), net, 1);
        optimizer = BenchNetworks.sgd(network);
        int batch = BenchNetworks.batch(net);
        x = Tensor.allocate(batch, 784);
        labels = Labels.allocate(batch);
        SplittableRandom random = new SplittableRandom(3);
        java.nio.FloatBuffer buf = InUse.buffer(x);
        for (int i = 0; i < x.size(); i++) {
            buf.put(i, (float) random.nextDouble());
        }
        for (int i = 0; i < batch; i++) {
            labels.set(i, random.nextInt(10));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        optimizer.close();
        network.close();
        x.close();
        labels.close();
    }

    @Benchmark
    public float step() {
        network.zeroGrad();
        float loss = network.forward(x, labels);
        network.backward();
        optimizer.step();
        return loss;
    }
}
