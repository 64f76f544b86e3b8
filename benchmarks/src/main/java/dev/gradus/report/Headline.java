// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report's opening: warnings (a busy machine, an OpenBLAS kernel below the CPU's best), the headline table
 * (per network, whole epochs only: Gradus and PyTorch samples/s, their ratio and target, each one's share of the
 * measured FMA peak, the CPU, the OpenBLAS kernel and the threads), how the limit is computed, then one line each
 * for the GEMM wrapper's share of a direct OpenBLAS call, the kernels' speed-up and the training step.
 */
final class Headline {
    private Headline() {}

    /** What each benchmark network is (../shared/bench/README.md). */
    static final Map<String, String> NAMES = Map.of("A", "784-128-10", "B", "784-1024-1024-10", "C", "LeNet-5",
            "D", "2 conv + 2 dense (PyTorch's MNIST example)");

    static void write(StringBuilder md, Report report) {
        md.append("## Headline\n\n");
        String busy = busyWarning(report.machine());
        if (!busy.isEmpty()) {
            md.append("> ⚠ ").append(busy).append("\n\n");
        }
        Machine m = report.machine();
        if (m != null && m.blasWarning() != null && !m.blasWarning().isEmpty()) {
            md.append("> ⚠ ").append(m.blasWarning()).append("\n\n");
        }
        table(md, report);
        summaries(md, report);
    }

    /** The headline table, the networks left out of it, and how "% of the limit" is computed. */
    static void table(StringBuilder md, Report report) {
        List<Report.HeadlineRow> rows = report.headlineRows();
        Machine m = report.machine();
        String cpu = m == null ? "unknown" : m.cpu();
        String core = m == null || m.blasCore() == null ? "not recorded" : m.blasCore();
        if (!rows.isEmpty()) {
            md.append("One whole epoch of MNIST per trial, median of the trials; the ratio is Gradus (native backend) "
                    + "over PyTorch 1.13, measured in the same sitting.\n\n")
                    .append("| network | Gradus samples/s | PyTorch samples/s | ratio | target | Gradus % of the limit | "
                            + "PyTorch % of the limit | CPU | OpenBLAS kernel | threads |\n"
                            + "|---|---|---|---|---|---|---|---|---|---|\n");
            for (Report.HeadlineRow r : rows) {
                EpochResult g = r.gradus();
                String kernel = core;
                if (r.pytorch() != null && r.pytorch().blasCoretype() != null) {
                    kernel += " (PyTorch: OPENBLAS_CORETYPE=" + r.pytorch().blasCoretype() + ")";
                }
                md.append("| ").append(r.net()).append(' ').append(NAMES.getOrDefault(r.net(), ""))
                        .append(", batch ").append(g.batch()).append(" | ")
                        .append(Format.number(g.samplesPerSecond().median())).append(" | ")
                        .append(r.pytorch() == null ? "not run" : Format.number(r.pytorch().samplesPerSecond().median()))
                        .append(" | ").append(r.pytorch() == null ? "" : "**" + Format.ratio(r.ratio()) + "**")
                        .append(r.pytorch() == null ? "" : caveat(g, r.pytorch())).append(" | ")
                        .append(target(r)).append(" | ").append(Format.percent(r.percentOfLimit(g))).append(" | ")
                        .append(r.pytorch() == null ? "" : Format.percent(r.percentOfLimit(r.pytorch()))).append(" | ")
                        .append(cpu).append(" | ").append(kernel).append(" | ").append(g.threads()).append(" |\n");
            }
            md.append('\n');
        }
        for (Report.EpochRow r : report.epochRows()) {
            if (r.nativeResult() != null && r.nativeResult().partial()) {
                md.append("Network ").append(r.net()).append(" is not in the table: its native run stopped after ")
                        .append(r.nativeResult().steps()).append(" steps (a partial epoch; see the epoch table).\n\n");
            }
        }
        limit(md, report);
    }

    private static String target(Report.HeadlineRow r) {
        if (Double.isNaN(r.target())) {
            return "";
        }
        String t = "≥ " + Format.ratio(r.target());
        return Double.isNaN(r.ratio()) ? t : t + (r.ratio() >= r.target() ? " (met)" : " (not met)");
    }

    /** How "% of the limit" is computed: the measured peaks and each network's GEMM work. */
    private static void limit(StringBuilder md, Report report) {
        md.append("\"% of the limit\" = the network's GEMM flops per sample × samples/s ÷ the CPU's FP32 FMA peak at "
                + "that thread count, measured by `dev.gradus.bench.FmaPeak`");
        if (report.fmaPeaks().isEmpty()) {
            md.append(" (not measured in this run: n/a).\n\n");
        } else {
            md.append(": ");
            List<String> peaks = new ArrayList<>();
            for (FmaPeakResult p : report.fmaPeaks()) {
                peaks.add(Format.number(p.gflops()) + " GFLOP/s on " + p.threads()
                        + (p.threads() == 1 ? " thread" : " threads"));
            }
            FmaPeakResult first = report.fmaPeaks().get(0);
            md.append(String.join(", ", peaks)).append(" (").append(first.vectorBits()).append("-bit vectors, ")
                    .append(first.accumulators()).append(" independent FMA chains per thread, best of ")
                    .append(first.runs()).append(" runs; ").append(first.cpu()).append(").\n\n");
        }
        md.append("GEMM flops per sample (`dev.gradus.report.GemmWork`, from the layers in `BenchNetworks`): forward, "
                + "weight gradient and input gradient of every dense and conv layer, 2 flops per multiply-add, without "
                + "the first layer's input gradient (nobody needs it); elementwise work is not counted.\n\n")
                .append("| network | GEMM MFLOP/sample | samples/s at the FMA peak |\n|---|---|---|\n");
        for (Report.HeadlineRow r : report.headlineRows()) {
            md.append("| ").append(r.net()).append(" | ").append(Format.number(r.flopsPerSample() / 1e6)).append(" | ")
                    .append(r.peak() == null ? "n/a" : Format.number(GemmWork.ceiling(r.flopsPerSample(),
                            r.peak().gflops())) + " (" + r.peak().threads() + " threads)").append(" |\n");
        }
        md.append('\n');
    }

    /** One line each: GEMM against a direct OpenBLAS call per thread count, kernels, the training step. */
    private static void summaries(StringBuilder md, Report report) {
        // one line per thread count: with 1 thread the comparison is the wrapper's own cost; with more,
        // NativeBackend's split over its pool against OpenBLAS's own threads
        Map<String, List<Double>> pctByThreads = new java.util.TreeMap<>();
        for (Report.GemmRow g : report.gemmRows()) {
            if (!Double.isNaN(g.percentOfDirect())) {
                pctByThreads.computeIfAbsent(g.threads(), t -> new ArrayList<>()).add(g.percentOfDirect());
            }
        }
        for (Map.Entry<String, List<Double>> e : pctByThreads.entrySet()) {
            Spread s = Spread.of(e.getValue().stream().mapToDouble(Double::doubleValue).toArray());
            boolean one = e.getKey().equals("1");
            md.append("- GEMM through NativeBackend, ").append(e.getKey()).append(one ? " thread" : " threads")
                    .append(": median ").append(Format.percent(s.median()))
                    .append(" of a direct `cblas_sgemm` call's speed over ").append(s.count())
                    .append(" shapes (range ").append(Format.percent(s.min())).append("–")
                    .append(Format.percent(s.max()))
                    .append(one ? "; the wrapper's own cost, target ≥ 98%).\n"
                            : "; NativeBackend's split over its pool vs OpenBLAS's own threads).\n");
        }
        List<Double> speedups = new ArrayList<>();
        for (Report.KernelRow k : report.kernelRows()) {
            if (!Double.isNaN(k.speedup())) {
                speedups.add(k.speedup());
            }
        }
        if (!speedups.isEmpty()) {
            Spread s = Spread.of(speedups.stream().mapToDouble(Double::doubleValue).toArray());
            md.append("- Elementwise kernels, native over Java: median ").append(Format.ratio(s.median()))
                    .append(" over ").append(s.count()).append(" kernel × size pairs (range ")
                    .append(Format.ratio(s.min())).append("–").append(Format.ratio(s.max())).append(").\n");
        }
        for (Report.TrainRow t : report.trainRows()) {
            if (t.backend().equals("native") && !Double.isNaN(t.result().allocBytes())) {
                md.append("- Training step ").append(t.net()).append(", native, ").append(t.threads())
                        .append(" threads: ").append(Format.number(t.result().micros())).append(" µs, ")
                        .append(Format.number(t.result().allocBytes())).append(" B/op allocated (target ≤ 64)");
                double sp = report.trainSpeedup(t.net());
                md.append(Double.isNaN(sp) ? "" : "; native/Java " + Format.ratio(sp)).append(".\n");
            }
        }
        InferenceSection.summary(md, report);
        md.append('\n');
    }

    /**
     * A warning when the machine was busier than its cores when probed (load average above the core count):
     * then multi-threaded figures mostly measure waiting for a time slice. "" otherwise or when unknown.
     */
    static String busyWarning(Machine m) {
        if (m == null) {
            return "";
        }
        try {
            double load = Double.parseDouble(m.loadAverage().split("\\s+")[0]);
            if (load > m.cores()) {
                return "The machine was busy: load average " + m.loadAverage() + " on " + m.cores() + " cores when "
                        + "probed. Each process got a fraction of a core, so absolute figures are low and noisy; "
                        + "multi-threaded runs suffer most, as threads that synchronise by spinning (OpenBLAS, "
                        + "PyTorch's OpenMP, our kernel pool) wait for time slices.";
            }
        } catch (NumberFormatException e) {
            // load average unknown: no warning
        }
        return "";
    }

    /** " (threads 1 vs 2; partial epochs)" when a comparison is not like for like, "" otherwise. */
    static String caveat(EpochResult gradus, EpochResult other) {
        List<String> notes = new ArrayList<>();
        if (gradus.threads() != other.threads()) {
            notes.add("threads " + gradus.threads() + " vs " + other.threads());
        }
        if (gradus.partial() || other.partial()) {
            notes.add("partial epoch");
        }
        return notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")";
    }

}
