// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Window2d;
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
 * The convolution products and the pooling after them, on the layer shapes of networks C and D at
 * batch 64: {@code C1} = [1, 28, 28] → 6, 5×5, padding 2; {@code C2} = [6, 14, 14] → 16, 5×5;
 * {@code D1} = [1, 28, 28] → 32, 3×3; {@code D2} = [32, 26, 26] → 64, 3×3. Pooling is the 2×2
 * max pooling each network applies after the layer (after C1, C2 and D2; D1 has none, so it times
 * C1's). GFLOP/s of a product: 2·N·OC·OH·OW·C·kh·kw / time.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ConvBenchmark -p backend=native
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {
    @Param({"C1", "C2", "D1", "D2"})
    public String layer;

    @Param({"native", "java"})
    public String backend;

    @Param({"2"})
    public int threads;

    private static final int N = 64;
    private Backend b;
    private Window2d g;
    private Window2d pool;
    private int oc;
    private Tensor x, w, bias, y, dy, dx, dw, db, cols, poolIn, pooled, argmax, dpool;

    @Setup(Level.Trial)
    public void setUp() {
        b = Backends.named(backend, threads);
        g = geometry(layer);
        oc = outChannels(layer);
        int oh = g.outHeight(), ow = g.outWidth(), out = oc * oh * ow;
        pool = layer.equals("D1") ? new Window2d(6, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1)
                : new Window2d(oc, oh, ow, 2, 2, 2, 2, 0, 0, 1, 1);
        SplittableRandom r = new SplittableRandom(1);
        x = random(N, g.inSize(), r);
        w = random(oc, g.patchSize(), r);
        bias = random(1, oc, r);
        y = Tensor.allocate(N, out);
        dy = random(N, out, r);
        dx = Tensor.allocate(N, g.inSize());
        dw = Tensor.allocate(oc, g.patchSize());
        db = Tensor.allocate(1, oc);
        cols = Tensor.allocate(1, (int) g.convScratch(oc, N));
        int pooledSize = pool.channels() * pool.outPlane();
        pooled = Tensor.allocate(N, pooledSize);
        argmax = Tensor.allocate(N, pooledSize);
        dpool = Tensor.allocate(N, pool.inSize());
        poolIn = random(N, pool.inSize(), r);
        b.maxPool2dForward(pooled, argmax, poolIn, pool);
    }

    /** The input geometry of a benchmarked layer. */
    static Window2d geometry(String layer) {
        return switch (layer) {
            case "C1" -> new Window2d(1, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1);
            case "C2" -> new Window2d(6, 14, 14, 5, 5, 1, 1, 0, 0, 1, 1);
            case "D1" -> new Window2d(1, 28, 28, 3, 3, 1, 1, 0, 0, 1, 1);
            case "D2" -> new Window2d(32, 26, 26, 3, 3, 1, 1, 0, 0, 1, 1);
            default -> throw new IllegalArgumentException("unknown layer " + layer + " (C1, C2, D1, D2)");
        };
    }

    static int outChannels(String layer) {
        return switch (layer) {
            case "C1" -> 6;
            case "C2" -> 16;
            case "D1" -> 32;
            case "D2" -> 64;
            default -> throw new IllegalArgumentException("unknown layer " + layer + " (C1, C2, D1, D2)");
        };
    }

    /**
     * Flops of one convolution product of {@code layer} over the batch: 2·N·OC·OH·OW·C·kh·kw, the same for the
     * forward product and both gradients.
     */
    public static double flops(String layer) {
        Window2d w = geometry(layer);
        return 2.0 * N * outChannels(layer) * w.outHeight() * w.outWidth() * w.patchSize();
    }

    private static Tensor random(int rows, int cols, SplittableRandom r) {
        Tensor t = Tensor.allocate(rows, cols);
        java.nio.FloatBuffer buf = InUse.buffer(t);
        for (int i = 0; i < t.size(); i++) {
            buf.put(i, (float) r.nextDouble(-1, 1));
        }
        return t;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, w, bias, y, dy, dx, dw, db, cols, poolIn, pooled, argmax, dpool}) {
            t.close();
        }
    }

    @Benchmark
    public void forward() {
        b.conv2dForward(y, x, w, bias, cols, g);
    }

    @Benchmark
    public void inputGradient() {
        b.conv2dBackwardInput(dx, dy, w, cols, g);
    }

    @Benchmark
    public void weightGradient() {
        b.conv2dBackwardWeight(dw, db, dy, x, cols, g);
    }

    @Benchmark
    public void maxPoolForward() {
        b.maxPool2dForward(pooled, argmax, poolIn, pool);
    }

    @Benchmark
    public void maxPoolBackward() {
        b.maxPool2dBackward(dpool, pooled, argmax, pool);
    }
}
