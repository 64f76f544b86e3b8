// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Transpose;
import dev.gradus.backend.internal.InUse;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
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
 * {@code c = op(a)·op(b) (+ c)} on the GEMM shapes of the benchmark networks and on squares, through
 * {@code Backend.gemm} ("native", "java") and through a raw {@code cblas_sgemm} call on the same pointers
 * ("direct": the practical limit, which the native wrapper should be within 2% of).
 *
 * <p>A shape is written {@code net.layer.product:MxNxK:TT}: {@code c} is (M, N), the inner dimension is K,
 * and TT tells whether a and b are transposed (N = as stored, T = transposed). With a dense weight
 * (OC, C) and a batch of N rows, as the model calls it: forward {@code out = inp·Wᵀ} is {@code N×OC×C:NT}
 * with beta 0; {@code dinp = dout·W} is {@code N×C×OC:NN} with beta 0 (the model skips it for the first
 * layer; measured anyway); {@code dW += doutᵀ·inp} is {@code OC×C×N:TN} with beta 1. Squares use beta 0.
 * The report computes GFLOP/s from the shape as 2·M·N·K per call.
 *
 * <p>The Java reference is slow on large products: run.sh gives it only the shapes of at most about
 * 0.6 GFLOP per call (all of A and B, squares up to 512); see benchmarks/README.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
    private static final Pattern SHAPE = Pattern.compile("(\\d+)x(\\d+)x(\\d+):([NT])([NT])$");

    @Param({
        // network A: 784-128-10, batch 32
        "A.1.fwd:32x128x784:NT", "A.1.dinp:32x784x128:NN", "A.1.dW:128x784x32:TN",
        "A.2.fwd:32x10x128:NT", "A.2.dinp:32x128x10:NN", "A.2.dW:10x128x32:TN",
        // network B: 784-1024-1024-10, batch 256
        "B.1.fwd:256x1024x784:NT", "B.1.dinp:256x784x1024:NN", "B.1.dW:1024x784x256:TN",
        "B.2.fwd:256x1024x1024:NT", "B.2.dinp:256x1024x1024:NN", "B.2.dW:1024x1024x256:TN",
        "B.3.fwd:256x10x1024:NT", "B.3.dinp:256x1024x10:NN", "B.3.dW:10x1024x256:TN",
        // squares
        "sq:64x64x64:NN", "sq:128x128x128:NN", "sq:256x256x256:NN", "sq:512x512x512:NN",
        "sq:1024x1024x1024:NN", "sq:2048x2048x2048:NN"})
    public String shape;

    @Param({"native", "direct", "java"})
    public String backend;

    @Param({"2"})
    public int threads;

    private Backend impl;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private FloatPointer pa;   // for the direct call: the tensors' memory, as a program calling OpenBLAS holds it
    private FloatPointer pb;
    private FloatPointer pc;
    private Transpose ta;
    private Transpose tb;
    private float beta;
    private int m;
    private int n;
    private int k;

    @Setup(Level.Trial)
    public void setUp() {
        Matcher s = SHAPE.matcher(shape);
        if (!s.find()) {
            throw new IllegalArgumentException("shape '" + shape + "' is not of the form name:MxNxK:TT");
        }
        m = Integer.parseInt(s.group(1));
        n = Integer.parseInt(s.group(2));
        k = Integer.parseInt(s.group(3));
        ta = s.group(4).equals("T") ? Transpose.YES : Transpose.NO;
        tb = s.group(5).equals("T") ? Transpose.YES : Transpose.NO;
        beta = shape.contains(".dW:") ? 1f : 0f;
        impl = Backends.named(backend, threads);
        a = ta == Transpose.NO ? Tensor.allocate(m, k) : Tensor.allocate(k, m);
        b = tb == Transpose.NO ? Tensor.allocate(k, n) : Tensor.allocate(n, k);
        c = Tensor.allocate(m, n);
        SplittableRandom random = new SplittableRandom(42);
        fill(a, random);
        fill(b, random);
        fill(c, random);
        pa = new FloatPointer(InUse.buffer(a));
        pb = new FloatPointer(InUse.buffer(b));
        pc = new FloatPointer(InUse.buffer(c));
        if (beta == 1f) {
            c.zero();   // accumulating into c for seconds must not overflow: start from 0 (values stay small)
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        c.close();
    }

    @Benchmark
    public Tensor gemm() {
        if (impl == null) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    ta == Transpose.YES ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    tb == Transpose.YES ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    m, n, k, 1f, pa, a.cols(), pb, b.cols(), beta, pc, c.cols());
        } else {
            impl.gemm(c, a, ta, b, tb, 1f, beta);
        }
        return c;
    }

    static void fill(Tensor t, SplittableRandom random) {
        java.nio.FloatBuffer buf = InUse.buffer(t);
        for (int i = 0, size = t.size(); i < size; i++) {
            buf.put(i, (float) (random.nextDouble() * 2 - 1));
        }
    }
}
