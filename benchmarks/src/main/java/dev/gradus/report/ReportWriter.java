// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders a {@link Report} as {@code REPORT.md} plus SVG charts in one directory. Every time is the JMH score
 * ± JMH's error (99.9% confidence) with the median and range of the iterations beside it; whole-epoch figures
 * are medians with their range over trials. A result whose iterations (or trials) spread over more than 20% of
 * their median is marked ⚠ (noisy) instead of being dropped.
 */
public final class ReportWriter {
    static final String MARKDOWN = "REPORT.md";
    static final String EPOCH_CHART = "epoch-throughput.svg";
    static final String GEMM_CHART = "gemm-gflops.svg";
    static final String SPEEDUP_CHART = "kernel-speedup.svg";
    static final String BANDWIDTH_CHART = "kernel-bandwidth.svg";
    /** From this many floats a kernel's tensors live in DRAM (3 × 64 MiB is more than the 32 MiB L3). */
    static final long DRAM_SIZE = 16L << 20;

    private final Report report;
    private final String command;
    private final List<String> inputs;

    /**
     * @param report  what to render
     * @param command the command that produced the measurements, shown in the report (may be null)
     * @param inputs  the input files, listed at the end
     */
    public ReportWriter(Report report, String command, List<String> inputs) {
        this.report = report;
        this.command = command;
        this.inputs = List.copyOf(inputs);
    }

    /** Writes REPORT.md and the charts that have data into {@code dir}; returns the files written. */
    public List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        StringBuilder md = new StringBuilder();
        md.append("# Gradus benchmark report\n\n");
        if (report.machine() != null) {
            md.append("Measured ").append(report.machine().date()).append(" on ").append(report.machine().cpu())
                    .append(", Gradus ").append(report.machine().gradus()).append(" (commit ")
                    .append(report.machine().commit()).append(")")
                    .append(report.machine().blasCore() == null ? ""
                            : ", OpenBLAS kernel " + report.machine().blasCore())
                    .append(", load average ").append(report.machine().loadAverage()).append(".\n");
        }
        if (command != null) {
            md.append("Produced by `").append(command).append("`.\n");
        }
        md.append('\n');
        Headline.write(md, report);
        md.append("Times are JMH scores ± JMH's error (99.9% confidence interval), with the median [min–max] of the "
                + "measurement iterations; whole-epoch throughput is the median [min–max] over trials. "
                + "⚠ marks a noisy result (iterations, or epoch trials, spread over more than 20% of their median; "
                + "JMH's 99.9% error is wide by construction with few iterations): "
                + "the machine is shared, so compare ratios measured in one sitting rather than absolute figures.\n\n");
        // sections that compare with PyTorch come next, before the machine's details
        machine(md);
        written.addAll(epochs(md, dir));
        InferenceSection.write(md, report, where(null));
        trainSteps(md);
        stepProfiles(md);
        written.addAll(gemm(md, dir));
        conv(md);
        written.addAll(kernels(md, dir));
        md.append("## Inputs\n\n");
        for (String in : inputs) {
            md.append("- `").append(in).append("`\n");
        }
        Path file = dir.resolve(MARKDOWN);
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
        written.add(0, file);
        return written;
    }

    private void machine(StringBuilder md) {
        Machine m = report.machine();
        md.append("## Machine\n\n");
        if (m == null) {
            md.append("Unknown: no MACHINE line was given.\n\n");
            return;
        }
        md.append("| | |\n|---|---|\n");
        row(md, "CPU", m.cpu());
        row(md, "CPU flags (SIMD)", m.flagList());
        row(md, "cores available", Integer.toString(m.cores()));
        row(md, "load average when probed", m.loadAverage());
        row(md, "JDK", m.jdk());
        row(md, "OS", m.os());
        row(md, "OpenBLAS", m.openblas());
        row(md, "OpenBLAS kernel", m.blasCore() == null ? "not recorded" : m.blasCore());
        row(md, "OpenBLAS threads", Integer.toString(m.blasThreads()));
        row(md, "Gradus kernels ISA", m.kernelIsa());
        row(md, "Gradus kernel threads", m.kernelThreads() == 0 ? "unknown" : Integer.toString(m.kernelThreads()));
        row(md, "Gradus", m.gradus() + ", commit " + m.commit());
        for (FmaPeakResult p : report.fmaPeaks()) {
            row(md, "FMA peak, " + p.threads() + (p.threads() == 1 ? " thread" : " threads"),
                    Format.number(p.gflops()) + " GFLOP/s (FmaPeak, " + p.vectorBits() + "-bit vectors, load average "
                            + p.loadavg() + ")");
        }
        java.util.Map<String, Set<String>> settings = new java.util.TreeMap<>();
        for (JmhResult r : report.jmh()) {
            settings.computeIfAbsent(r.benchmark(), k -> new LinkedHashSet<>()).add(r.settings());
        }
        for (java.util.Map.Entry<String, Set<String>> e : settings.entrySet()) {
            row(md, "how JMH ran " + e.getKey(), String.join("; ", e.getValue()));
        }
        md.append('\n');
    }

    /** Where one training step's time goes, per network: categories first, then every kind of call. */
    private void stepProfiles(StringBuilder md) {
        if (report.profiles().isEmpty()) {
            return;
        }
        md.append("## Where a training step's time goes\n\n")
                .append("`dev.gradus.bench.StepProfile` times every Backend call of a step through a timing decorator "
                        + "(`TimingBackend`); \"Java overhead between calls\" is the step's wall time minus every "
                        + "timed call. Shares move less with the machine's load than absolute times. Run it with "
                        + "`java -cp benchmarks/target/benchmarks.jar dev.gradus.bench.StepProfile --threads 2`.\n\n");
        for (StepProfileResult p : report.profiles()) {
            md.append("### Network ").append(p.net()).append(", batch ").append(p.batch()).append(", ")
                    .append(p.threads()).append(p.threads() == 1 ? " thread" : " threads").append("\n\n")
                    .append("Measured ").append(p.date()).append(" on ").append(p.cpu()).append(", OpenBLAS kernel ")
                    .append(p.blasCore()).append(": ")
                    .append(Format.number(p.stepUs())).append(" µs per step profiled (")
                    .append(Format.number(p.plainStepUs())).append(" µs without the decorator), median of ")
                    .append(p.rounds()).append(" rounds of ").append(p.steps()).append(" steps; all GEMMs at ")
                    .append(Format.number(p.gemmGflops())).append(" GFLOP/s; load average ")
                    .append(p.loadavgBefore()).append(".\n\n")
                    .append("| where | µs/step | share |\n|---|---|---|\n");
            for (java.util.Map.Entry<String, Double> c : p.categories().entrySet()) {
                md.append("| **").append(c.getKey()).append("** | ").append(Format.number(c.getValue())).append(" | ")
                        .append(Format.percent(100 * c.getValue() / p.stepUs())).append(" |\n");
            }
            md.append("\n| call | category | µs/step | share | GFLOP/s |\n|---|---|---|---|---|\n");
            for (StepProfileResult.Call c : p.calls()) {
                md.append("| ").append(c.label()).append(" | ").append(c.category()).append(" | ")
                        .append(Format.number(c.us())).append(" | ").append(Format.percent(100 * c.share()))
                        .append(" | ").append(c.gflops() > 0 ? Format.number(c.gflops()) : "").append(" |\n");
            }
            md.append('\n');
        }
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }

    private List<Path> epochs(StringBuilder md, Path dir) throws IOException {
        List<Report.EpochRow> rows = report.epochRows();
        if (rows.isEmpty()) {
            return List.of();
        }
        md.append("## Whole-epoch training throughput\n\n").append(where(null))
                .append("One epoch of MNIST (60,000 images) with SGD (momentum 0.9, lr 0.01) and softmax cross-entropy, "
                        + "after a warm-up (Gradus: at least 50 steps and 2 s, while the JIT compiles the step's Java code; PyTorch: "
                        + "50 steps); samples/s of the training loop only. A: 784-128-10, batch 32; "
                        + "B: 784-1024-1024-10, batch 256; C: LeNet-5, batch 64; D: conv(32, 3) conv(64, 3) maxpool(2) "
                        + "dense(128) dense(10), batch 64 (../shared/bench/README.md).\n\n")
                .append("\"off-heap growth\" = the most off-heap memory (JavaCPP's total) that any trial gained between the "
                        + "end of its first step and its end: a steady-state step allocates nothing, and an epoch's last "
                        + "batch, when 60,000 is not a multiple of the batch size, gets buffers of its own for its size, "
                        + "once: that is the growth shown.\n\n");
        String header = "| network | backend | version | threads | samples/s median [min–max] | trials | steps/trial | "
                + "test acc | off-heap growth (B) | vs PyTorch |\n|---|---|---|---|---|---|---|---|---|---|\n";
        List<String> nets = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        List<double[][]> ranges = new ArrayList<>();
        StringBuilder whole = new StringBuilder();
        StringBuilder partial = new StringBuilder();
        for (Report.EpochRow r : rows) {
            EpochResult[] all = {r.nativeResult(), r.pytorch(), r.javaResult()};
            double[] v = {Double.NaN, Double.NaN};
            double[][] range = new double[2][];
            EpochResult torch = r.pytorch() == null || r.pytorch().partial() ? null : r.pytorch();
            for (int i = 0; i < all.length; i++) {
                EpochResult e = all[i];
                if (e == null) {
                    continue;
                }
                if (i < 2 && !e.partial()) {
                    v[i] = e.samplesPerSecond().median();
                    range[i] = new double[] {e.samplesPerSecond().min(), e.samplesPerSecond().max()};
                }
                epochRow(e.partial() ? partial : whole, r.net(), e, e.partial() ? r.pytorch() : torch);
            }
            if (!Double.isNaN(v[0]) || !Double.isNaN(v[1])) {
                nets.add("network " + r.net());
                values.add(v);
                ranges.add(range);
            }
        }
        if (whole.length() > 0) {
            md.append(header).append(whole).append('\n');
        }
        if (partial.length() > 0) {
            md.append("### Partial epochs (not in the headline)\n\n")
                    .append("Each trial stopped after a fixed number of steps (`--max-steps`: the Java reference's plain "
                            + "loops are far too slow for a whole epoch); samples/s is the training loop's throughput "
                            + "over the steps that ran, so it is not comparable with a whole epoch.\n\n")
                    .append(header).append(partial).append('\n');
        }
        if (nets.isEmpty()) {
            return List.of();
        }
        BarChart chart = new BarChart("Training throughput on MNIST, whole epochs (training loop only)",
                "samples/s (median of trials; whiskers: min–max)", nets, List.of("Gradus native", "PyTorch"),
                values.toArray(new double[0][]), ranges.toArray(new double[0][][]), true, Double.NaN);
        return List.of(chart(md, dir, EPOCH_CHART, chart));
    }

    /** One epoch table row; {@code pytorch} is what "vs PyTorch" compares with (null: nothing). */
    private static void epochRow(StringBuilder md, String net, EpochResult e, EpochResult pytorch) {
        String vs;
        if (e.backend().equals("pytorch")) {
            vs = "1×";
        } else if (pytorch == null) {
            vs = "";
        } else {
            vs = Format.ratio(e.samplesPerSecond().median() / pytorch.samplesPerSecond().median())
                    + Headline.caveat(e, pytorch);
        }
        md.append("| ").append(net).append(" | ").append(e.backend()).append(" | ").append(e.version())
                .append(" | ").append(e.threads()).append(" | ").append(Format.spread(e.samplesPerSecond()))
                .append(noisy(e.samplesPerSecond().relativeRange(), 0.2)).append(" | ").append(e.perTrial().length)
                .append(" | ").append(e.steps()).append(e.partial() ? " (partial)" : "").append(" | ")
                .append(Double.isNaN(e.testAcc()) ? "" : Format.number(e.testAcc())).append(" | ")
                .append(Double.isNaN(e.offHeapGrowth()) ? "" : Format.number(e.offHeapGrowth())).append(" | ")
                .append(vs).append(" |\n");
    }

    /**
     * The CPU and OpenBLAS kernel a group of figures ran on (the run's MACHINE line), and its thread count when
     * the whole group shares one: a line of its own under a section's heading.
     */
    private String where(String threads) {
        Machine m = report.machine();
        if (m == null) {
            return threads == null ? "" : "*" + threads + (threads.equals("1") ? " thread" : " threads") + ".*\n\n";
        }
        return "*" + m.cpu() + ", OpenBLAS kernel " + (m.blasCore() == null ? "not recorded" : m.blasCore())
                + (threads == null ? "" : ", " + threads + (threads.equals("1") ? " thread" : " threads")) + ".*\n\n";
    }

    private void trainSteps(StringBuilder md) {
        List<Report.TrainRow> rows = report.trainRows();
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Training step (JMH)\n\n").append(where(null))
                .append("zeroGrad, forward, loss, backward and an SGD-momentum step on a fixed batch; allocation from "
                        + "JMH's gc profiler (`gc.alloc.rate.norm`).\n\n")
                .append("JMH's B/op also counts its own per-iteration allocations divided by the operations of an iteration, "
                        + "so it only means something when an iteration runs many operations (ops/iter).\n\n")
                .append("| network | backend | threads | µs/step (± error) | median [min–max] | samples/s | "
                        + "alloc B/op | ops/iter |\n|---|---|---|---|---|---|---|---|\n");
        for (Report.TrainRow t : rows) {
            JmhResult r = t.result();
            md.append("| ").append(t.net()).append(" | ").append(t.backend()).append(" | ").append(t.threads())
                    .append(" | ").append(Format.withError(r.micros(), r.errorMicros())).append(noisy(r)).append(" | ")
                    .append(Format.spread(r.spreadMicros())).append(" | ").append(Format.number(t.samplesPerSecond()))
                    .append(" | ").append(Format.number(r.allocBytes())).append(" | ")
                    .append(Format.number(r.opsPerIteration())).append(" |\n");
        }
        for (String net : Report.BATCH.keySet().stream().sorted().toList()) {
            double s = report.trainSpeedup(net);
            if (!Double.isNaN(s)) {
                md.append("\nNetwork ").append(net).append(": native/Java speed-up per step ").append(Format.ratio(s)).append('.');
            }
        }
        md.append("\n\n");
    }

    private List<Path> gemm(StringBuilder md, Path dir) throws IOException {
        List<Report.GemmRow> rows = report.gemmRows();
        if (rows.isEmpty()) {
            return List.of();
        }
        md.append("## GEMM\n\n")
                .append("`c(M,N) = op(a)·op(b)`; a shape is `net.layer.product:MxNxK:TT` (T = transposed operand; "
                        + "fwd = `inp·Wᵀ`, dinp = `dout·W`, dW = `doutᵀ·inp` accumulated with beta 1). "
                        + "GFLOP/s = 2·M·N·K / time; \"% of peak\" = NativeBackend's GFLOP/s over the FMA peak measured at "
                        + "the table's thread count. \"% of direct\" = direct `cblas_sgemm` time / NativeBackend time "
                        + "(100% = the wrapper costs nothing; with more than one thread, NativeBackend's split over its "
                        + "pool against OpenBLAS's own threads). Blank = not run (the Java reference skips large "
                        + "shapes).\n\n");
        List<Path> written = new ArrayList<>();
        for (String threads : report.gemmThreadCounts()) {
            md.append("### GEMM, ").append(threads).append(threads.equals("1") ? " thread" : " threads").append("\n\n")
                    .append(where(threads))
                    .append("| shape | native µs (± error) | median [min–max] | GFLOP/s | % of peak | direct µs (± error) | "
                            + "GFLOP/s | % of direct | java µs (± error) | GFLOP/s | native/java |\n"
                            + "|---|---|---|---|---|---|---|---|---|---|---|\n");
            FmaPeakResult peak = report.fmaPeak(parseThreads(threads));
            List<String> names = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            List<double[][]> ranges = new ArrayList<>();
            for (Report.GemmRow g : rows) {
                if (!g.threads().equals(threads)) {
                    continue;
                }
                double gflops = g.gflops(g.nativeResult());
                md.append("| ").append(g.shape()).append(" | ").append(time(g.nativeResult())).append(" | ")
                        .append(g.nativeResult() == null ? "" : Format.spread(g.nativeResult().spreadMicros()))
                        .append(" | ").append(rate(gflops)).append(" | ")
                        .append(peak == null || Double.isNaN(gflops) ? "" : Format.percent(100 * gflops / peak.gflops()))
                        .append(" | ").append(time(g.direct())).append(" | ")
                        .append(rate(g.gflops(g.direct()))).append(" | ").append(Format.percent(g.percentOfDirect()))
                        .append(" | ").append(time(g.javaResult())).append(" | ").append(rate(g.gflops(g.javaResult())))
                        .append(" | ").append(Format.ratio(g.speedup())).append(" |\n");
                names.add(g.shape());
                values.add(new double[] {g.gflops(g.direct()), gflops, g.gflops(g.javaResult())});
                ranges.add(new double[][] {gflopsRange(g.flops(), g.direct()), gflopsRange(g.flops(), g.nativeResult()),
                        gflopsRange(g.flops(), g.javaResult())});
            }
            md.append('\n');
            if (written.isEmpty()) {   // one chart: the first thread count (the run's own)
                BarChart chart = new BarChart("GEMM throughput per shape, " + threads
                        + (threads.equals("1") ? " thread" : " threads"), "GFLOP/s (JMH score; whiskers: iteration min–max)",
                        names, List.of("direct cblas_sgemm", "NativeBackend", "ReferenceBackend (java)"),
                        values.toArray(new double[0][]), ranges.toArray(new double[0][][]), false, Double.NaN);
                written.add(chart(md, dir, GEMM_CHART, chart));
            }
        }
        return written;
    }

    /** The convolution products and pooling of networks C and D (ConvBenchmark), one table per thread count. */
    private void conv(StringBuilder md) {
        List<Report.ConvRow> rows = report.convRows();
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Convolution layers (JMH)\n\n")
                .append("`ConvBenchmark` at batch 64 on the layers of C and D: C1 = [1, 28, 28] → 6, 5×5, padding 2; "
                        + "C2 = [6, 14, 14] → 16, 5×5; D1 = [1, 28, 28] → 32, 3×3; D2 = [32, 26, 26] → 64, 3×3; pooling = "
                        + "the 2×2 max pooling after the layer (D1 has none: it times C1's). GFLOP/s of a product = "
                        + "2·N·OC·OH·OW·C·kh·kw / time; \"% of peak\" = over the FMA peak at that thread count.\n\n");
        for (String threads : rows.stream().map(Report.ConvRow::threads).distinct().toList()) {
            FmaPeakResult peak = report.fmaPeak(parseThreads(threads));
            md.append("### Convolution, ").append(threads).append(threads.equals("1") ? " thread" : " threads")
                    .append("\n\n").append(where(threads))
                    .append("| layer | what | native µs (± error) | median [min–max] | GFLOP/s | % of peak | "
                            + "java µs (± error) | GFLOP/s | native/java |\n|---|---|---|---|---|---|---|---|---|\n");
            for (Report.ConvRow c : rows) {
                if (!c.threads().equals(threads)) {
                    continue;
                }
                double gflops = c.gflops(c.nativeResult());
                md.append("| ").append(c.layer()).append(" | ").append(c.method()).append(" | ")
                        .append(time(c.nativeResult())).append(" | ")
                        .append(c.nativeResult() == null ? "" : Format.spread(c.nativeResult().spreadMicros()))
                        .append(" | ").append(rate(gflops)).append(" | ")
                        .append(peak == null || Double.isNaN(gflops) ? "" : Format.percent(100 * gflops / peak.gflops()))
                        .append(" | ").append(time(c.javaResult())).append(" | ").append(rate(c.gflops(c.javaResult())))
                        .append(" | ").append(Format.ratio(c.speedup())).append(" |\n");
            }
            md.append('\n');
        }
    }

    /** The kernels' thread count when all rows share one, else null. */
    private static String kernelThreads(List<Report.KernelRow> rows) {
        List<String> t = rows.stream().map(Report.KernelRow::threads).distinct().toList();
        return t.size() == 1 ? t.get(0) : null;
    }

    /** A JMH "threads" parameter as a number, 0 when it is not one ("?"). */
    private static int parseThreads(String threads) {
        try {
            return Integer.parseInt(threads);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private List<Path> kernels(StringBuilder md, Path dir) throws IOException {
        List<Report.KernelRow> rows = report.kernelRows();
        if (rows.isEmpty()) {
            return List.of();
        }
        md.append("## Elementwise kernels\n\n").append(where(kernelThreads(rows)))
                .append("Tensors of (size/1024, 1024) floats. GB/s = bytes the kernel must move / time, the bytes per "
                        + "element listed below (write-allocate traffic not counted). For scale: a STREAM-like triad on "
                        + "these 2 cores reaches about 40 GB/s from DRAM (16 Mi floats = 64 MiB per array) and 150–190 "
                        + "GB/s within L2/L3.\n\n")
                .append("\"× DRAM time\" = native time / (bytes ÷ 40 GB/s), for tensors of 16 Mi floats and more, which live "
                        + "in DRAM (target ≤ 1.5).\n\n")
                .append("| kernel | size | B/elem | native µs (± error) | GB/s | × DRAM time | java µs (± error) | GB/s | "
                        + "native/java |\n|---|---|---|---|---|---|---|---|---|\n");
        Set<Long> sizes = new java.util.TreeSet<>();
        Set<String> kernels = new LinkedHashSet<>();
        for (Report.KernelRow k : rows) {
            sizes.add(k.size());
            kernels.add(k.kernel());
            md.append("| ").append(k.kernel()).append(" | ").append(Format.elements(k.size())).append(" | ")
                    .append(KernelTraffic.bytesPerElement(k.kernel())).append(" | ").append(time(k.nativeResult()))
                    .append(" | ").append(rate(k.gbps(k.nativeResult()))).append(" | ")
                    .append(k.size() >= DRAM_SIZE ? rate(k.timeOverDram()) : "").append(" | ").append(time(k.javaResult()))
                    .append(" | ").append(rate(k.gbps(k.javaResult()))).append(" | ").append(Format.ratio(k.speedup()))
                    .append(" |\n");
        }
        md.append("\nBytes per element:\n\n| kernel | B/elem | what moves |\n|---|---|---|\n");
        for (String k : kernels) {
            md.append("| ").append(k).append(" | ").append(KernelTraffic.bytesPerElement(k)).append(" | ")
                    .append(KernelTraffic.explanation(k)).append(" |\n");
        }
        md.append('\n');
        List<String> kernelList = new ArrayList<>(kernels);
        List<Long> sizeList = new ArrayList<>(sizes);
        double[][] speedup = new double[kernelList.size()][sizeList.size()];
        double[][] bandwidth = new double[kernelList.size()][sizeList.size()];
        for (double[] r : speedup) {
            java.util.Arrays.fill(r, Double.NaN);
        }
        for (double[] r : bandwidth) {
            java.util.Arrays.fill(r, Double.NaN);
        }
        for (Report.KernelRow k : rows) {
            int i = kernelList.indexOf(k.kernel());
            int j = sizeList.indexOf(k.size());
            speedup[i][j] = k.speedup();
            bandwidth[i][j] = k.gbps(k.nativeResult());
        }
        List<String> series = sizeList.stream().map(n -> Format.elements(n) + " floats").toList();
        List<Path> out = new ArrayList<>();
        out.add(chart(md, dir, SPEEDUP_CHART, new BarChart("Native speed-up over the Java reference, per kernel and size",
                "java time / native time", kernelList, series, speedup, true, 1.0)));
        out.add(chart(md, dir, BANDWIDTH_CHART, new BarChart("Native kernels: useful bandwidth", "GB/s", kernelList,
                series, bandwidth, false, Double.NaN)));
        return out;
    }

    /** GFLOP/s at the slowest and the fastest iteration, or null. */
    private static double[] gflopsRange(double flops, JmhResult r) {
        if (r == null || r.iterations().length < 2) {
            return null;
        }
        Spread s = r.spreadMicros();
        return new double[] {flops / (s.max() * 1e3), flops / (s.min() * 1e3)};
    }

    private static Path chart(StringBuilder md, Path dir, String name, BarChart chart) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, chart.toSvg(), StandardCharsets.UTF_8);
        md.append("![").append(chart.title()).append("](").append(name).append(")\n\n");
        return file;
    }

    private static String time(JmhResult r) {
        return r == null ? "" : Format.withError(r.micros(), r.errorMicros()) + noisy(r);
    }

    private static String rate(double v) {
        return Double.isNaN(v) ? "" : Format.number(v);
    }

    /**
     * " ⚠" when the measurement iterations spread over more than 20% of their median. JMH's error is shown but
     * not used: with 3 iterations its 99.9% interval (Student's t, 2 degrees of freedom: ±31.6 standard errors)
     * is wide even for a quiet result.
     */
    static String noisy(JmhResult r) {
        return noisy(r.spreadMicros().relativeRange(), 0.2);
    }

    private static String noisy(double relativeRange, double limit) {
        return relativeRange > limit ? " ⚠" : "";
    }
}
