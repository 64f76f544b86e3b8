// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's "Inference" section: per pool size, a table network × batch with Gradus's and PyTorch's p50/p99
 * latency and samples/s, their ratio and what a call allocates, then Gradus against ONNX Runtime when it ran; then one
 * line per measured 1-vs-2-caller scaling.
 */
final class InferenceSection {
    private InferenceSection() {}

    static void write(StringBuilder md, Report report, String where) {
        List<Report.InferenceRow> rows = report.inferenceRows();
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Inference\n\n").append(where)
                .append("`PredictBenchmark`: one network, one `Predictor` per calling thread, probabilities out "
                        + "(softmax) into the caller's arrays (`predictInto`, one row or a batch of rows). PyTorch (`benchmarks/torch_infer.py`): the same networks in eval mode under "
                        + "`torch.inference_mode()`, forward plus softmax. Latency: p50/p99 of single calls "
                        + "(JMH sample time; PyTorch times every call). samples/s: one caller's loop of calls × batch; "
                        + "PyTorch's is the median of its trials. Ratio = Gradus samples/s ÷ PyTorch's.\n\n")
                .append("\"alloc B/call\" is JMH's `gc.alloc.rate.norm` for the throughput loop: ~0 when a call "
                        + "allocates nothing (JMH's own per-iteration allocation divided by the calls).\n\n");
        Map<String, List<Report.InferenceRow>> byThreads = new LinkedHashMap<>();
        for (Report.InferenceRow r : rows) {
            byThreads.computeIfAbsent(r.threads(), t -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<Report.InferenceRow>> e : byThreads.entrySet()) {
            String threads = e.getKey();
            md.append("### Inference, pool of ").append(threads).append(threads.equals("1") ? " thread" : " threads")
                    .append("\n\n")
                    .append("| network | batch | Gradus p50 / p99 µs | PyTorch p50 / p99 µs | Gradus samples/s | "
                            + "PyTorch samples/s | ratio | alloc B/call |\n"
                            + "|---|---|---|---|---|---|---|---|\n");
            for (Report.InferenceRow r : e.getValue()) {
                row(md, r);
            }
            md.append('\n');
            onnx(md, e.getValue());
        }
        List<Report.ScalingRow> scaling = report.scalingRows();
        if (!scaling.isEmpty()) {
            md.append("Scaling with callers (each its own `Predictor`, one shared network; calls/s of all callers "
                    + "together, 2× is perfect):\n\n");
            for (Report.ScalingRow s : scaling) {
                md.append("- ").append(s.net()).append(", batch ").append(s.batch()).append(", pool of ")
                        .append(s.threads()).append(": 1 caller ")
                        .append(Format.number(s.one().opsPerSecond() * s.batch())).append(" samples/s, 2 callers ")
                        .append(Format.number(s.two().opsPerSecond() * s.batch())).append(" samples/s (**")
                        .append(Format.ratio(s.speedup())).append("**)").append(noisy(s.two())).append(".\n");
            }
            md.append('\n');
        }
    }

    /**
     * The headline's line per network at batch 1: p50 latency, samples/s against PyTorch and the allocation per
     * call ("" without batch-1 results).
     */
    static void summary(StringBuilder md, Report report) {
        for (Report.InferenceRow r : report.inferenceRows()) {
            if (r.batch() != 1 || r.latency() == null && r.throughput() == null) {
                continue;
            }
            md.append("- Inference ").append(r.net()).append(", batch 1, pool of ").append(r.threads()).append(": ");
            if (r.latency() != null) {
                md.append("p50 ").append(Format.number(r.latency().percentileMicros(50))).append(" µs")
                        .append(r.torchLatency() == null ? ""
                                : " (PyTorch " + Format.number(r.torchLatency().p50()) + " µs)")
                        .append(r.throughput() == null ? "" : ", ");
            }
            if (r.throughput() != null) {
                md.append(Format.number(r.samplesPerSecond())).append(" samples/s")
                        .append(Double.isNaN(r.ratio()) ? "" : ", " + Format.ratio(r.ratio()) + " PyTorch's")
                        .append(", ").append(Format.number(r.throughput().allocBytes())).append(" B/call allocated");
            }
            md.append(".\n");
        }
    }

    private static void row(StringBuilder md, Report.InferenceRow r) {
        TorchInference tl = r.torchLatency();
        TorchInference tt = r.torchThroughput();
        String caveat = tt == null || String.valueOf(tt.threads()).equals(r.threads()) ? ""
                : " (threads " + r.threads() + " vs " + tt.threads() + ")";
        md.append("| ").append(r.net()).append(' ').append(Headline.NAMES.getOrDefault(r.net(), "")).append(" | ")
                .append(r.batch()).append(" | ")
                .append(latency(r.latency()))
                .append(" | ").append(tl == null ? "" : latency(tl.p50(), tl.p99())).append(" | ")
                .append(r.throughput() == null ? "" : Format.number(r.samplesPerSecond()) + noisy(r.throughput()))
                .append(" | ").append(tt == null ? "not run" : Format.number(r.torchSamplesPerSecond())).append(" | ")
                .append(Double.isNaN(r.ratio()) ? "" : "**" + Format.ratio(r.ratio()) + "**" + caveat).append(" | ")
                .append(r.throughput() == null ? "" : Format.number(r.throughput().allocBytes())).append(" |\n");
    }

    /**
     * Gradus against ONNX Runtime (Java API) on the model OnnxExport writes, when it ran: its allocation is the
     * Java API's own per run (input and output tensors are made once, the output pinned).
     */
    private static void onnx(StringBuilder md, List<Report.InferenceRow> rows) {
        if (rows.stream().allMatch(r -> r.onnxLatency() == null && r.onnxThroughput() == null)) {
            return;
        }
        md.append("ONNX Runtime (Java API, `OnnxRuntimeBenchmark`) on the model `OnnxExport` writes, its probabilities "
                        + "output; intra-op pool as above, inter-op 1, all graph optimizations; input and output tensors "
                        + "made once (the output pinned), so its B/call is the Java API's own per run.\n\n")
                .append("| network | batch | Gradus p50 / p99 µs | ONNX Runtime p50 / p99 µs | Gradus samples/s | "
                        + "ONNX Runtime samples/s | Gradus ÷ ONNX Runtime | ONNX Runtime B/call |\n"
                        + "|---|---|---|---|---|---|---|---|\n");
        for (Report.InferenceRow r : rows) {
            md.append("| ").append(r.net()).append(' ').append(Headline.NAMES.getOrDefault(r.net(), "")).append(" | ")
                    .append(r.batch()).append(" | ").append(latency(r.latency())).append(" | ")
                    .append(latency(r.onnxLatency())).append(" | ")
                    .append(r.throughput() == null ? "" : Format.number(r.samplesPerSecond()) + noisy(r.throughput()))
                    .append(" | ").append(r.onnxThroughput() == null ? "not run"
                            : Format.number(r.onnxSamplesPerSecond()) + noisy(r.onnxThroughput()))
                    .append(" | ").append(Double.isNaN(r.onnxRatio()) ? "" : "**" + Format.ratio(r.onnxRatio()) + "**")
                    .append(" | ").append(r.onnxThroughput() == null ? "" : Format.number(r.onnxThroughput().allocBytes()))
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** A sample-time result's p50 / p99, "" for null. */
    private static String latency(JmhResult r) {
        return r == null ? "" : latency(r.percentileMicros(50), r.percentileMicros(99));
    }

    private static String latency(double p50, double p99) {
        return Format.number(p50) + " / " + Format.number(p99);
    }

    /** " ⚠" when a throughput result's iterations spread over more than 20% of their median. */
    private static String noisy(JmhResult r) {
        return Spread.of(r.iterations()).relativeRange() > 0.2 ? " ⚠" : "";
    }
}
