// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report's opening summary: whole-epoch throughput against PyTorch and the targets, the GEMM wrapper's
 * share of a direct OpenBLAS call, the kernels' speed-up, the training step's time and allocation, and a warning
 * when the machine was busy or a comparison is not like for like.
 */
final class Headline {
    private Headline() {}

    /** The open targets for Gradus native over PyTorch, per network (speed issue: A, B; CNN issue: C, D). */
    static final Map<String, Double> TORCH_TARGET = java.util.Map.of("A", 3.0, "B", 1.5, "C", 2.5, "D", 3.0);

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
        for (Report.EpochRow r : report.epochRows()) {
            if (r.nativeResult() == null) {
                continue;
            }
            EpochResult n = r.nativeResult();
            md.append("- Network ").append(r.net()).append(n.partial() ? ", " + n.steps() + " training steps: native "
                    : ", one epoch: native ").append(Format.number(n.samplesPerSecond().median())).append(" samples/s");
            if (r.pytorch() != null) {
                md.append(", PyTorch ").append(Format.number(r.pytorch().samplesPerSecond().median()))
                        .append(" → Gradus/PyTorch **").append(Format.ratio(r.versusPytorch())).append("**");
                Double target = TORCH_TARGET.get(r.net());
                if (target != null) {
                    md.append(" (target ≥ ").append(Format.ratio(target)).append(")");
                }
                md.append(caveat(r.nativeResult(), r.pytorch()));
            }
            if (r.javaResult() != null) {
                md.append("; native/Java ").append(Format.ratio(r.speedup()));
            }
            md.append(".\n");
        }
        // one line per thread count: with 1 thread the comparison is the wrapper's own cost; with more,
        // NativeBackend's split over its pool against OpenBLAS's own threads
        java.util.Map<String, List<Double>> pctByThreads = new java.util.TreeMap<>();
        for (Report.GemmRow g : report.gemmRows()) {
            if (!Double.isNaN(g.percentOfDirect())) {
                pctByThreads.computeIfAbsent(g.threads(), t -> new ArrayList<>()).add(g.percentOfDirect());
            }
        }
        for (java.util.Map.Entry<String, List<Double>> e : pctByThreads.entrySet()) {
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
                md.append("- Training step ").append(t.net()).append(", native: ")
                        .append(Format.number(t.result().micros())).append(" µs, ")
                        .append(Format.number(t.result().allocBytes())).append(" B/op allocated (target ≤ 64)");
                double sp = report.trainSpeedup(t.net());
                md.append(Double.isNaN(sp) ? "" : "; native/Java " + Format.ratio(sp)).append(".\n");
            }
        }
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
