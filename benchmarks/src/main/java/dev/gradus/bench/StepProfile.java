// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import com.google.gson.Gson;
import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.report.Machine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where one training step's time goes: each GEMM (by layer and product), the activations, the loss, the
 * optimizer update, zeroing the gradients, and the Java overhead between the calls (the step's wall time
 * minus everything timed), for networks A and B on the native backend, through {@link TimingBackend}.
 * The same step is also timed without the decorator, so the profiler's own cost shows.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.gradus.bench.StepProfile [--nets A,B] [--threads 2]
 *        [--steps-a 4000] [--steps-b 80] [--rounds 3]
 * </pre>
 *
 * Prints a table per network and one {@code PROFILE {...}} line each (the report's input), plus a
 * {@code MACHINE {...}} line. Each round measures the plain step, then the profiled one; the round whose
 * profiled step time is the median is kept. Shares move less with the machine's load than absolute times.
 */
public final class StepProfile {
    private StepProfile() {}

    public static void main(String[] args) {
        Map<String, String> o = new LinkedHashMap<>(Map.of("nets", "A,B", "threads", "2", "steps-a", "4000",
                "steps-b", "80", "rounds", "3"));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !o.containsKey(a.substring(2)) || i + 1 == args.length) {
                throw new IllegalArgumentException("unknown or incomplete option '" + a + "' (known: --" + String.join(
                        " N, --", o.keySet()) + " N)");
            }
            o.put(a.substring(2), args[++i]);
        }
        int threads = Integer.parseInt(o.get("threads"));
        int rounds = Integer.parseInt(o.get("rounds"));
        Backend nativeBackend = Backends.named("native", threads);
        Machine machine = Machine.probe(System.getProperty("gradus.commit"));
        System.out.println("MACHINE " + machine.toJson());
        for (String net : o.get("nets").split(",")) {
            int steps = Integer.parseInt(o.get(net.equals("A") || net.equals("C") ? "steps-a" : "steps-b"));
            List<Map<String, Object>> results = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                results.add(profile(nativeBackend, net, threads, steps));
            }
            results.sort((x, y) -> Double.compare((double) x.get("step_us"), (double) y.get("step_us")));
            Map<String, Object> kept = results.get(results.size() / 2);
            kept.put("rounds", rounds);
            kept.put("cpu", machine.cpu());
            kept.put("blas_core", machine.blasCore());
            kept.put("date", machine.date());
            print(kept);
            System.out.println("PROFILE " + new Gson().toJson(kept));
        }
    }

    private static Map<String, Object> profile(Backend nativeBackend, String net, int threads, int steps) {
        int[] sizes = BenchNetworks.sizes(net);
        int batch = BenchNetworks.batch(net);
        TimingBackend timing = new TimingBackend(nativeBackend, sizes);
        String loadBefore = Machine.currentLoadAverage();
        double plainUs;
        long zeroNanos = 0;
        long total;
        int inputs = net.equals("A") || net.equals("B") ? sizes[0] : 784;   // C, D: MNIST images
        try (Tensor x = Tensor.allocate(batch, inputs); Labels labels = Labels.allocate(batch)) {
            SplittableRandom random = new SplittableRandom(3);
            for (int i = 0; i < x.size(); i++) {
                x.set(i, (float) random.nextDouble());
            }
            for (int i = 0; i < batch; i++) {
                labels.set(i, random.nextInt(10));
            }
            try (Network plain = BenchNetworks.network(nativeBackend, net, 1); Optimizer opt = BenchNetworks.sgd(plain)) {
                for (int i = 0; i < steps / 4 + 5; i++) {
                    step(plain, opt, x, labels);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    step(plain, opt, x, labels);
                }
                plainUs = (System.nanoTime() - t0) / 1e3 / steps;
            }
            try (Network network = BenchNetworks.network(timing, net, 1); Optimizer opt = BenchNetworks.sgd(network)) {
                for (int i = 0; i < steps / 4 + 5; i++) {
                    step(network, opt, x, labels);
                }
                timing.reset();
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    long z = System.nanoTime();
                    network.zeroGrad();
                    zeroNanos += System.nanoTime() - z;
                    network.forward(x, labels);
                    network.backward();
                    opt.step();
                }
                total = System.nanoTime() - t0;
            }
        }
        double stepUs = total / 1e3 / steps;
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Double> categories = new LinkedHashMap<>();
        long timed = zeroNanos;
        double gemmFlops = 0;
        double gemmUs = 0;
        for (TimingBackend.Kind k : timing.kinds()) {
            double us = k.nanos / 1e3 / steps;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("label", k.label);
            row.put("category", k.category);
            row.put("calls_per_step", (double) k.calls / steps);
            row.put("us", us);
            row.put("share", us / stepUs);
            if (k.flops > 0) {
                row.put("gflops", k.flops * k.calls / (k.nanos * 1.0));
                gemmFlops += k.flops * k.calls / steps;
                gemmUs += us;
            }
            rows.add(row);
            categories.merge(k.category, us, Double::sum);
            timed += k.nanos;
        }
        categories.put("zero grads", zeroNanos / 1e3 / steps);
        categories.put("Java overhead between calls", (total - timed) / 1e3 / steps);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("net", net);
        result.put("batch", batch);
        result.put("threads", threads);
        result.put("steps", steps);
        result.put("step_us", stepUs);
        result.put("plain_step_us", plainUs);
        result.put("gemm_gflops", gemmFlops / (gemmUs * 1e3));
        result.put("loadavg_before", loadBefore);
        result.put("loadavg_after", Machine.currentLoadAverage());
        result.put("categories", categories);
        result.put("calls", rows);
        return result;
    }

    private static void step(Network network, Optimizer opt, Tensor x, Labels labels) {
        network.zeroGrad();
        network.forward(x, labels);
        network.backward();
        opt.step();
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r) {
        double step = (double) r.get("step_us");
        System.out.printf(Locale.ROOT, "network %s, batch %d, %d thread(s), %d steps: %.1f µs/step profiled, %.1f µs "
                        + "plain; GEMMs at %.1f GFLOP/s; load average %s → %s%n", r.get("net"), r.get("batch"),
                r.get("threads"), r.get("steps"), step, r.get("plain_step_us"), r.get("gemm_gflops"),
                r.get("loadavg_before"), r.get("loadavg_after"));
        for (Map<String, Object> c : (List<Map<String, Object>>) r.get("calls")) {
            System.out.printf(Locale.ROOT, "  %-11s %-40s %9.1f µs %6.1f%%%s%n", c.get("category"), c.get("label"),
                    c.get("us"), 100 * (double) c.get("share"),
                    c.containsKey("gflops") ? String.format(Locale.ROOT, " %7.1f GFLOP/s", c.get("gflops")) : "");
        }
        for (Map.Entry<String, Double> e : ((Map<String, Double>) r.get("categories")).entrySet()) {
            System.out.printf(Locale.ROOT, "  = %-50s %9.1f µs %6.1f%%%n", e.getKey(), e.getValue(),
                    100 * e.getValue() / step);
        }
    }
}
