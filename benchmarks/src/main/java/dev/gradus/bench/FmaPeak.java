// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import com.google.gson.Gson;
import dev.gradus.report.Machine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU's FP32 FMA peak, measured: every thread runs {@value #ACCUMULATORS} independent fused multiply-add
 * chains on {@code FloatVector}s of the preferred species (512 bits with AVX-512), so that the FMA units never
 * wait for a result (latency 4 cycles × 2 units needs at least 8 chains). GFLOP/s = threads × iterations ×
 * chains × lanes × 2 / time, best of {@code --runs} runs, on 1 thread and on {@code --threads}. This is the
 * yardstick of the benchmark report's "% of the limit"; it reaches 2 units × 16 lanes × 2 flops per cycle
 * and core on an AVX-512 CPU with two full-width FMA units.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.gradus.bench.FmaPeak
 *        [--threads 2] [--runs 5] [--millis 200]
 * </pre>
 * Prints a {@code MACHINE {...}} line and one {@code FMA_PEAK {...}} line per thread count.
 */
public final class FmaPeak {
    static final int ACCUMULATORS = 12;
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Keeps the chains' results alive, so that the JIT cannot drop the loop. */
    static volatile float sink;

    private FmaPeak() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> o = new LinkedHashMap<>(Map.of("threads", "2", "runs", "5", "millis", "200"));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !o.containsKey(a.substring(2)) || i + 1 == args.length) {
                throw new IllegalArgumentException("unknown or incomplete option '" + a + "' (known: --threads N, "
                        + "--runs N, --millis N)");
            }
            o.put(a.substring(2), args[++i]);
        }
        int threads = Integer.parseInt(o.get("threads"));
        int runs = Integer.parseInt(o.get("runs"));
        Machine machine = Machine.probe(System.getProperty("gradus.commit"));
        System.out.println("MACHINE " + machine.toJson());
        // calibrate on one thread (after the JIT has compiled the loop): iterations for about --millis
        for (int i = 0; i < 200; i++) {
            sink = chains(20_000);
        }
        long iterations = 1 << 20;
        long t0 = System.nanoTime();
        sink = chains(iterations);
        iterations = Math.max(1, (long) (iterations * Long.parseLong(o.get("millis")) * 1e6 / (System.nanoTime() - t0)));
        List<Integer> counts = threads == 1 ? List.of(1) : List.of(1, threads);
        for (int n : counts) {
            double best = 0;
            for (int r = 0; r < runs; r++) {
                best = Math.max(best, run(n, iterations));
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("threads", n);
            line.put("gflops", best);
            line.put("vector_bits", SPECIES.vectorBitSize());
            line.put("lanes", SPECIES.length());
            line.put("accumulators", ACCUMULATORS);
            line.put("runs", runs);
            line.put("cpu", machine.cpu());
            line.put("date", machine.date());
            line.put("loadavg", Machine.currentLoadAverage());
            System.out.printf(Locale.ROOT, "FMA peak, %d thread(s), %d-bit vectors, %d chains: %.1f GFLOP/s (best of %d)%n",
                    n, SPECIES.vectorBitSize(), ACCUMULATORS, best, runs);
            System.out.println("FMA_PEAK " + new Gson().toJson(line));
        }
    }

    /** GFLOP/s of {@code n} threads each running {@code iterations} rounds of the chains. */
    private static double run(int n, long iterations) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            workers.add(new Thread(() -> sink = chains(iterations)));
        }
        long t0 = System.nanoTime();
        for (Thread t : workers) {
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return n * (double) iterations * ACCUMULATORS * SPECIES.length() * 2 / seconds / 1e9;
    }

    /**
     * {@value #ACCUMULATORS} independent chains c = c·a + b; a just below 1 and b tiny keep every value
     * normal (no subnormal slow path) and finite.
     */
    static float chains(long iterations) {
        FloatVector a = FloatVector.broadcast(SPECIES, 0.999999f);
        FloatVector b = FloatVector.broadcast(SPECIES, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(SPECIES, 1.00f);
        FloatVector c1 = FloatVector.broadcast(SPECIES, 1.01f);
        FloatVector c2 = FloatVector.broadcast(SPECIES, 1.02f);
        FloatVector c3 = FloatVector.broadcast(SPECIES, 1.03f);
        FloatVector c4 = FloatVector.broadcast(SPECIES, 1.04f);
        FloatVector c5 = FloatVector.broadcast(SPECIES, 1.05f);
        FloatVector c6 = FloatVector.broadcast(SPECIES, 1.06f);
        FloatVector c7 = FloatVector.broadcast(SPECIES, 1.07f);
        FloatVector c8 = FloatVector.broadcast(SPECIES, 1.08f);
        FloatVector c9 = FloatVector.broadcast(SPECIES, 1.09f);
        FloatVector c10 = FloatVector.broadcast(SPECIES, 1.10f);
        FloatVector c11 = FloatVector.broadcast(SPECIES, 1.11f);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
