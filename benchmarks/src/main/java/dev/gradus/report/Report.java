// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The measurements of one benchmark run, grouped into the rows the report shows, with the derived figures
 * (GFLOP/s, GB/s, samples/s, native/Java speed-up, percentage of the direct OpenBLAS call, Gradus/PyTorch,
 * percentage of the FMA peak). {@link ReportWriter} renders it; {@link ReportMain} is the command.
 *
 * @param jmh      every JMH result (from one or more JSON files)
 * @param epochs   every whole-epoch result (Gradus and PyTorch)
 * @param machine  where it ran, or null if unknown
 * @param profiles per-call breakdowns of one training step ({@code dev.gradus.bench.StepProfile})
 * @param fmaPeaks the CPU's measured FMA peak per thread count ({@code dev.gradus.bench.FmaPeak})
 * @param torchInference PyTorch's inference measurements ({@code benchmarks/torch_infer.py})
 */
public record Report(List<JmhResult> jmh, List<EpochResult> epochs, Machine machine, List<StepProfileResult> profiles,
                     List<FmaPeakResult> fmaPeaks, List<TorchInference> torchInference) {

    static final String GEMM = "GemmBenchmark.gemm";
    static final String KERNEL = "KernelBenchmark.run";
    static final String TRAIN_STEP = "TrainStepBenchmark.step";
    static final String CONV = "ConvBenchmark.";
    static final String PREDICT = "PredictBenchmark.";
    static final String ONNX_RUNTIME = "OnnxRuntimeBenchmark.";
    /** The open targets for Gradus native over PyTorch, per network (speed issue: A, B; CNN issue: C, D). */
    static final Map<String, Double> TORCH_TARGET = Map.of("A", 3.0, "B", 1.5, "C", 2.5, "D", 3.0);
    /** Batch sizes of the benchmark networks (../shared/bench/README.md). */
    static final Map<String, Integer> BATCH = Map.of("A", 32, "B", 256, "C", 64, "D", 64);
    private static final Pattern SHAPE = Pattern.compile("(\\d+)x(\\d+)x(\\d+):([NT])([NT])$");

    public Report {
        jmh = List.copyOf(jmh);
        epochs = List.copyOf(epochs);
        profiles = List.copyOf(profiles);
        fmaPeaks = List.copyOf(fmaPeaks);
        torchInference = List.copyOf(torchInference);
    }

    /** A report without PyTorch inference. */
    public Report(List<JmhResult> jmh, List<EpochResult> epochs, Machine machine, List<StepProfileResult> profiles,
                  List<FmaPeakResult> fmaPeaks) {
        this(jmh, epochs, machine, profiles, fmaPeaks, List.of());
    }

    /** A report without step profiles or FMA peak. */
    public Report(List<JmhResult> jmh, List<EpochResult> epochs, Machine machine) {
        this(jmh, epochs, machine, List.of(), List.of());
    }

    /** A report without FMA peak. */
    public Report(List<JmhResult> jmh, List<EpochResult> epochs, Machine machine, List<StepProfileResult> profiles) {
        this(jmh, epochs, machine, profiles, List.of());
    }

    /** The measured FMA peak at {@code threads} (the best if measured more than once), or null. */
    public FmaPeakResult fmaPeak(int threads) {
        FmaPeakResult best = null;
        for (FmaPeakResult p : fmaPeaks) {
            if (p.threads() == threads && (best == null || p.gflops() > best.gflops())) {
                best = p;
            }
        }
        return best;
    }

    /** {@code perOp} units per operation turned into units per second by a result's time (NaN if null). */
    static double perSecond(double perOp, JmhResult r) {
        return r == null ? Double.NaN : perOp / (r.micros() * 1e-6);
    }

    // ---- GEMM ---------------------------------------------------------------------------------

    /**
     * One GEMM shape: {@code c(M,N) = op(a)·op(b)}, K inner, with its result per backend (null when not run).
     */
    public record GemmRow(String shape, int m, int n, int k, String threads, JmhResult nativeResult,
                          JmhResult javaResult, JmhResult direct) {
        /** 2·M·N·K: one multiply and one add per term. */
        public double flops() {
            return 2.0 * m * n * k;
        }

        /** GFLOP/s of one backend's result (NaN if null). */
        public double gflops(JmhResult r) {
            return perSecond(flops(), r) / 1e9;
        }

        /** Direct cblas_sgemm time / native time, in %: 100 = the wrapper costs nothing, 98 = 2% slower. */
        public double percentOfDirect() {
            return nativeResult == null || direct == null ? Double.NaN
                    : 100 * direct.micros() / nativeResult.micros();
        }

        /** Java time / native time. */
        public double speedup() {
            return nativeResult == null || javaResult == null ? Double.NaN
                    : javaResult.micros() / nativeResult.micros();
        }
    }

    /** The thread counts of the GEMM rows, in run order. */
    public List<String> gemmThreadCounts() {
        return gemmRows().stream().map(GemmRow::threads).distinct().toList();
    }

    /** GEMM rows in the order the shapes were run. */
    public List<GemmRow> gemmRows() {
        Map<String, Map<String, JmhResult>> byShape = group(GEMM, "shape", "backend");
        List<GemmRow> rows = new ArrayList<>();
        for (Map.Entry<String, Map<String, JmhResult>> e : byShape.entrySet()) {
            Map<String, JmhResult> b = e.getValue();
            JmhResult any = b.values().iterator().next();
            String shape = any.param("shape");
            Matcher s = SHAPE.matcher(shape);
            if (!s.find()) {
                throw new IllegalArgumentException("GEMM shape '" + shape + "' is not of the form name:MxNxK:TT");
            }
            rows.add(new GemmRow(shape, Integer.parseInt(s.group(1)), Integer.parseInt(s.group(2)),
                    Integer.parseInt(s.group(3)), any.params().getOrDefault("threads", "?"), b.get("native"),
                    b.get("java"), b.get("direct")));
        }
        return rows;
    }

    // ---- elementwise kernels ------------------------------------------------------------------

    /** One kernel at one size, native and Java (either may be null). */
    public record KernelRow(String kernel, long size, String threads, JmhResult nativeResult, JmhResult javaResult) {
        /** Bytes the kernel must move (see {@link KernelTraffic}). */
        public double bytes() {
            return (double) size * KernelTraffic.bytesPerElement(kernel);
        }

        /** GB/s of one backend's result (NaN if null). */
        public double gbps(JmhResult r) {
            return perSecond(bytes(), r) / 1e9;
        }

        /** Java time / native time. */
        public double speedup() {
            return nativeResult == null || javaResult == null ? Double.NaN
                    : javaResult.micros() / nativeResult.micros();
        }

        /**
         * Native time over the time to move {@link #bytes()} at {@link #DRAM_GBPS}: issue 2's target is at most
         * 1.5 for tensors that live in DRAM (16 Mi floats). NaN without a native result.
         */
        public double timeOverDram() {
            return nativeResult == null ? Double.NaN : nativeResult.micros() * 1e3 / (bytes() / DRAM_GBPS);
        }
    }

    /**
     * What a STREAM-like triad moves from DRAM on these 2 cores, GB/s (issue 2; ../shared/notes/limits.md has
     * 26 on 1 thread, 45 on 2): the yardstick for kernels on 16 Mi floats.
     */
    public static final double DRAM_GBPS = 40;

    /** Kernel rows, by kernel (in run order), then by size. */
    public List<KernelRow> kernelRows() {
        Map<String, Map<String, JmhResult>> byKernel = group(KERNEL, "kernel\u0000size", "backend");
        List<KernelRow> rows = new ArrayList<>();
        for (Map<String, JmhResult> b : byKernel.values()) {
            JmhResult any = b.values().iterator().next();
            rows.add(new KernelRow(any.param("kernel"), Long.parseLong(any.param("size")),
                    any.params().getOrDefault("threads", "?"), b.get("native"), b.get("java")));
        }
        rows.sort((x, y) -> {
            int kx = kernelOrder(x.kernel());
            int ky = kernelOrder(y.kernel());
            return kx != ky ? Integer.compare(kx, ky) : Long.compare(x.size(), y.size());
        });
        return rows;
    }

    private int kernelOrder(String kernel) {
        int i = 0;
        for (String k : KernelTraffic.kernels()) {
            if (k.equals(kernel)) {
                return i;
            }
            i++;
        }
        return i;
    }

    // ---- training step ------------------------------------------------------------------------

    /** One network's JMH training step on one backend. */
    public record TrainRow(String net, String backend, String threads, JmhResult result) {
        public int batch() {
            Integer b = BATCH.get(net);
            if (b == null) {
                throw new IllegalArgumentException("unknown benchmark network '" + net + "' (known: A, B, C, D)");
            }
            return b;
        }

        public double samplesPerSecond() {
            return perSecond(batch(), result);
        }
    }

    public List<TrainRow> trainRows() {
        List<TrainRow> rows = new ArrayList<>();
        for (JmhResult r : jmh) {
            if (r.benchmark().equals(TRAIN_STEP)) {
                rows.add(new TrainRow(r.param("net"), r.param("backend"), r.params().getOrDefault("threads", "?"), r));
            }
        }
        rows.sort((x, y) -> x.net().equals(y.net()) ? x.backend().compareTo(y.backend()) : x.net().compareTo(y.net()));
        return rows;
    }

    /** Java step time / native step time for {@code net}, NaN if either is missing. */
    public double trainSpeedup(String net) {
        JmhResult nat = null;
        JmhResult java = null;
        for (TrainRow r : trainRows()) {
            if (r.net().equals(net)) {
                if (r.backend().equals("native")) {
                    nat = r.result();
                } else if (r.backend().equals("java")) {
                    java = r.result();
                }
            }
        }
        return nat == null || java == null ? Double.NaN : java.micros() / nat.micros();
    }

    // ---- whole epochs -------------------------------------------------------------------------

    /** One network: its epoch results per backend ("native", "java", "pytorch"; null when not run). */
    public record EpochRow(String net, EpochResult nativeResult, EpochResult javaResult, EpochResult pytorch) {
        /** Median native samples/s over median PyTorch samples/s. */
        public double versusPytorch() {
            return nativeResult == null || pytorch == null ? Double.NaN
                    : nativeResult.samplesPerSecond().median() / pytorch.samplesPerSecond().median();
        }

        /** Median Java samples/s over median PyTorch samples/s. */
        public double javaVersusPytorch() {
            return javaResult == null || pytorch == null ? Double.NaN
                    : javaResult.samplesPerSecond().median() / pytorch.samplesPerSecond().median();
        }

        /** Median native samples/s over median Java samples/s. */
        public double speedup() {
            return nativeResult == null || javaResult == null ? Double.NaN
                    : nativeResult.samplesPerSecond().median() / javaResult.samplesPerSecond().median();
        }
    }

    /** Epoch rows by network name; the last result per (network, backend) wins. */
    public List<EpochRow> epochRows() {
        Map<String, Map<String, EpochResult>> byNet = new LinkedHashMap<>();
        for (EpochResult e : epochs) {
            byNet.computeIfAbsent(e.net(), k -> new LinkedHashMap<>()).put(e.backend(), e);
        }
        List<EpochRow> rows = new ArrayList<>();
        byNet.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> rows.add(
                new EpochRow(e.getKey(), e.getValue().get("native"), e.getValue().get("java"),
                        e.getValue().get("pytorch"))));
        return rows;
    }

    // ---- convolution layers (ConvBenchmark) ----------------------------------------------------

    /**
     * One ConvBenchmark method on one layer: a convolution product (forward, inputGradient, weightGradient) or a
     * pooling kernel, native and Java (either may be null).
     */
    public record ConvRow(String layer, String method, String threads, JmhResult nativeResult, JmhResult javaResult) {
        /** True for the three convolution products, false for pooling. */
        public boolean product() {
            return !method.startsWith("maxPool");
        }

        /** GFLOP/s of one backend's result on a product (NaN for pooling or a null result). */
        public double gflops(JmhResult r) {
            return product() ? perSecond(dev.gradus.bench.ConvBenchmark.flops(layer), r) / 1e9 : Double.NaN;
        }

        /** Java time / native time. */
        public double speedup() {
            return nativeResult == null || javaResult == null ? Double.NaN
                    : javaResult.micros() / nativeResult.micros();
        }
    }

    /** ConvBenchmark rows by layer, then method, in run order. */
    public List<ConvRow> convRows() {
        Map<String, Map<String, JmhResult>> byKey = new LinkedHashMap<>();
        for (JmhResult r : jmh) {
            if (r.benchmark().startsWith(CONV)) {
                String key = r.params().getOrDefault("threads", "") + '\u0000' + r.param("layer") + '\u0000'
                        + r.benchmark();
                byKey.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(r.param("backend"), r);
            }
        }
        List<ConvRow> rows = new ArrayList<>();
        for (Map<String, JmhResult> b : byKey.values()) {
            JmhResult any = b.values().iterator().next();
            rows.add(new ConvRow(any.param("layer"), any.benchmark().substring(CONV.length()),
                    any.params().getOrDefault("threads", "?"), b.get("native"), b.get("java")));
        }
        rows.sort((x, y) -> x.layer().equals(y.layer()) ? 0 : x.layer().compareTo(y.layer()));
        return rows;
    }

    // ---- inference (PredictBenchmark against torch_infer.py) -----------------------------------

    /**
     * One network at one batch size and pool size: Gradus's latency and throughput results, ONNX Runtime's on the
     * exported model and PyTorch's (any may be null: not run).
     */
    public record InferenceRow(String net, int batch, String threads, JmhResult latency, JmhResult throughput,
                               JmhResult onnxLatency, JmhResult onnxThroughput, TorchInference torchLatency,
                               TorchInference torchThroughput) {
        /** Gradus samples/s: one caller's calls/s × batch (NaN without a throughput result). */
        public double samplesPerSecond() {
            return throughput == null ? Double.NaN : throughput.opsPerSecond() * batch;
        }

        /** PyTorch's median samples/s, NaN when not run. */
        public double torchSamplesPerSecond() {
            return torchThroughput == null ? Double.NaN : torchThroughput.samplesPerSecond().median();
        }

        /** Gradus samples/s over PyTorch's. */
        public double ratio() {
            return samplesPerSecond() / torchSamplesPerSecond();
        }

        /** ONNX Runtime's samples/s, NaN when not run. */
        public double onnxSamplesPerSecond() {
            return onnxThroughput == null ? Double.NaN : onnxThroughput.opsPerSecond() * batch;
        }

        /** Gradus samples/s over ONNX Runtime's. */
        public double onnxRatio() {
            return samplesPerSecond() / onnxSamplesPerSecond();
        }
    }

    /**
     * Inference rows by pool size, network, then batch: Gradus's and ONNX Runtime's results (its intra-op pool as
     * the pool size); PyTorch's last measurement per (network, batch) joins.
     */
    public List<InferenceRow> inferenceRows() {
        List<String> slots = List.of(PREDICT + "latency", PREDICT + "throughput", ONNX_RUNTIME + "latency",
                ONNX_RUNTIME + "throughput");
        Map<String, JmhResult[]> byKey = new java.util.TreeMap<>();
        for (JmhResult r : jmh) {
            int slot = slots.indexOf(r.benchmark());
            if (slot >= 0) {
                String key = String.format("%s\u0000%s\u0000%06d", r.params().getOrDefault("threads", "?"),
                        r.param("net"), Integer.parseInt(r.param("batch")));
                byKey.computeIfAbsent(key, k -> new JmhResult[slots.size()])[slot] = r;
            }
        }
        Map<String, TorchInference> torch = new LinkedHashMap<>();
        for (TorchInference t : torchInference) {
            torch.put(t.net() + '\u0000' + t.batch() + '\u0000' + t.latency(), t);
        }
        List<InferenceRow> rows = new ArrayList<>();
        for (JmhResult[] r : byKey.values()) {
            JmhResult any = java.util.Arrays.stream(r).filter(java.util.Objects::nonNull).findFirst().orElseThrow();
            String net = any.param("net");
            int batch = Integer.parseInt(any.param("batch"));
            rows.add(new InferenceRow(net, batch, any.params().getOrDefault("threads", "?"), r[0], r[1], r[2], r[3],
                    torch.get(net + '\u0000' + batch + '\u0000' + true),
                    torch.get(net + '\u0000' + batch + '\u0000' + false)));
        }
        return rows;
    }

    /** One caller against two, each with its own predictor on one network, at one batch and pool size. */
    public record ScalingRow(String net, int batch, String threads, JmhResult one, JmhResult two) {
        /** Two callers' calls/s over one caller's: 2 is perfect scaling. */
        public double speedup() {
            return two.opsPerSecond() / one.opsPerSecond();
        }
    }

    /** Every {@code twoCallers} result with the one-caller throughput of the same network, batch and pool size. */
    public List<ScalingRow> scalingRows() {
        List<ScalingRow> rows = new ArrayList<>();
        for (JmhResult r : jmh) {
            if (r.benchmark().equals(PREDICT + "twoCallers")) {
                for (InferenceRow i : inferenceRows()) {
                    if (i.throughput() != null && i.net().equals(r.param("net"))
                            && i.batch() == Integer.parseInt(r.param("batch"))
                            && i.threads().equals(r.params().getOrDefault("threads", "?"))) {
                        rows.add(new ScalingRow(i.net(), i.batch(), i.threads(), i.throughput(), r));
                    }
                }
            }
        }
        return rows;
    }

    // ---- the headline: whole epochs against PyTorch and the FMA peak --------------------------

    /**
     * One network's whole-epoch result against PyTorch and the FMA peak; a partial epoch is never here.
     *
     * @param net            A, B, C or D
     * @param gradus         the native backend's whole epochs
     * @param pytorch        PyTorch's whole epochs, or null when not run (or only partial)
     * @param flopsPerSample the network's GEMM flops per sample of a training step ({@link GemmWork})
     * @param peak           the FMA peak at the thread count Gradus ran with, or null when not measured
     */
    public record HeadlineRow(String net, EpochResult gradus, EpochResult pytorch, double flopsPerSample,
                              FmaPeakResult peak) {
        /** Median Gradus samples/s over median PyTorch samples/s (NaN without PyTorch). */
        public double ratio() {
            return pytorch == null ? Double.NaN
                    : gradus.samplesPerSecond().median() / pytorch.samplesPerSecond().median();
        }

        /** The open target for the ratio, NaN if none. */
        public double target() {
            return TORCH_TARGET.getOrDefault(net, Double.NaN);
        }

        /**
         * The share of the FMA peak that {@code result}'s median samples/s makes of the GEMM work, in %: flops per
         * sample × samples/s ÷ peak. NaN without a peak or a result.
         */
        public double percentOfLimit(EpochResult result) {
            return result == null || peak == null ? Double.NaN
                    : 100 * flopsPerSample * result.samplesPerSecond().median() / (peak.gflops() * 1e9);
        }
    }

    /** One row per network with a whole native epoch, by network name. */
    public List<HeadlineRow> headlineRows() {
        List<HeadlineRow> rows = new ArrayList<>();
        for (EpochRow r : epochRows()) {
            EpochResult n = r.nativeResult();
            if (n == null || n.partial()) {
                continue;
            }
            EpochResult t = r.pytorch() == null || r.pytorch().partial() ? null : r.pytorch();
            rows.add(new HeadlineRow(r.net(), n, t, GemmWork.perSample(r.net()), fmaPeak(n.threads())));
        }
        return rows;
    }

    // ---- grouping -----------------------------------------------------------------------------

    /**
     * Results of {@code benchmark} keyed by the values of {@code keyParams} (joined by NUL; threads always
     * part of the key), then by the value of {@code inner}. Insertion order is run order.
     */
    private Map<String, Map<String, JmhResult>> group(String benchmark, String keyParams, String inner) {
        Map<String, Map<String, JmhResult>> out = new LinkedHashMap<>();
        for (JmhResult r : jmh) {
            if (!r.benchmark().equals(benchmark)) {
                continue;
            }
            StringBuilder key = new StringBuilder(r.params().getOrDefault("threads", ""));
            for (String p : keyParams.split("\u0000")) {
                key.append('\u0000').append(r.param(p));
            }
            out.computeIfAbsent(key.toString(), k -> new LinkedHashMap<>()).put(r.param(inner), r);
        }
        return out;
    }
}
