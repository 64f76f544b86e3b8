// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gradus.io.OnnxExport;
import dev.gradus.nn.Network;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
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
 * ONNX Runtime (Java API) on the model {@link OnnxExport} writes for networks A, B and C, as
 * {@link PredictBenchmark} measures a Predictor: the probabilities output at batch 1, 32 and 256. Input and output
 * tensors are made once over direct buffers (the output pinned), so a call is {@code session.run} and nothing
 * else; what it still allocates is ONNX Runtime's own (its result object and maps). {@code threads} is its
 * intra-op pool, inter-op 1, all graph optimizations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class OnnxRuntimeBenchmark {
    /** The benchmark networks' outputs: 10 classes. */
    private static final int CLASSES = 10;

    @Param({"A", "B", "C"})
    public String net;

    @Param({"1", "32", "256"})
    public int batch;

    @Param({"1"})
    public int threads;

    private OrtSession session;
    private OnnxTensor input;
    private OnnxTensor output;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> outputs;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        byte[] model;
        int in;
        try (Network network = BenchNetworks.network(Backends.named("java", 1), net, 1)) {
            model = OnnxExport.toBytes(network, Map.of());
            in = network.inFeatures();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model, options);
        }
        FloatBuffer x = direct(batch * in);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < batch * in; i++) {
            x.put(i, (float) random.nextDouble());   // MNIST-like pixels in [0, 1)
        }
        long[] shape = net.equals("C") ? new long[] {batch, 1, 28, 28} : new long[] {batch, in};
        input = OnnxTensor.createTensor(env, x, shape);
        output = OnnxTensor.createTensor(env, direct(batch * CLASSES), new long[] {batch, CLASSES});
        inputs = Map.of(OnnxExport.INPUT, input);
        outputs = Map.of(OnnxExport.PROBABILITIES, output);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        input.close();
        output.close();
        session.close();
    }

    @Benchmark
    public Object throughput() throws OrtException {
        return call();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object latency() throws OrtException {
        return call();
    }

    /** One run into the pinned output; the Result holds no tensor of its own, but must be closed. */
    private Object call() throws OrtException {
        try (OrtSession.Result r = session.run(inputs, Set.of(), outputs)) {
            return output;
        }
    }

    /** The input tensor (for the test that checks the output against a Predictor's). */
    OnnxTensor input() {
        return input;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
