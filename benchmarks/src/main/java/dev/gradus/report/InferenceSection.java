// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.util.List;

/**
 * The report's "Inference" section: per pool size, a table network × batch with Gradus's and PyTorch's p50/p99
 * latency and samples/s, their ratio and what a call allocates; then one line per measured 1-vs-2-caller scaling.
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
                        + "(softmax); batch 1 is `predictInto`, a larger batch `predict(float[][])`, which returns new "
                        + "arrays. PyTorch (`benchmarks/torch_infer.py`): the same networks in eval mode under "
                        + "`torch.inference_mode()`, forward plus softmax. Latency: p50/p99 of single calls "
                        + "(JMH sample time; PyTorch times every call). samples/s: one caller's loop of calls × batch; "
                        + "PyTorch's is the median of its trials. Ratio = Gradus samples/s ÷ PyTorch's.\n\n")
                .append("\"alloc B/call\" is JMH's `gc.alloc.rate.norm` for the throughput loop; \"beyond the arrays\" "
                        + "subtracts what the returned arrays must take (batch × float[10] and the outer array, "
                        + "compressed oops): the predictor's own allocation plus JMH's noise, ~0 when it allocates "
                        + "nothing.\n\n");
        String threads = null;
        for (Report.InferenceRow r : rows) {
            if (!r.threads().equals(threads)) {
                threads = r.threads();
                md.append(threads.equals(rows.get(0).threads()) ? "" : "\n").append("### Inference, pool of ")
                        .append(threads).append(threads.equals("1") ? " thread" : " threads").append("\n\n")
                        .append("| network | batch | Gradus p50 / p99 µs | PyTorch p50 / p99 µs | Gradus samples/s | "
                                + "PyTorch samples/s | ratio | alloc B/call | beyond the arrays |\n"
                                + "|---|---|---|---|---|---|---|---|---|\n");
            }
            row(md, r);
        }
        md.append('\n');
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

    private static void row(StringBuilder md, Report.InferenceRow r) {
        TorchInference tl = r.torchLatency();
        TorchInference tt = r.torchThroughput();
        String caveat = tt == null || String.valueOf(tt.threads()).equals(r.threads()) ? ""
                : " (threads " + r.threads() + " vs " + tt.threads() + ")";
        md.append("| ").append(r.net()).append(' ').append(Headline.NAMES.getOrDefault(r.net(), "")).append(" | ")
                .append(r.batch()).append(" | ")
                .append(r.latency() == null ? "" : latency(r.latency().percentileMicros(50), r.latency().percentileMicros(99)))
                .append(" | ").append(tl == null ? "" : latency(tl.p50(), tl.p99())).append(" | ")
                .append(r.throughput() == null ? "" : Format.number(r.samplesPerSecond()) + noisy(r.throughput()))
                .append(" | ").append(tt == null ? "not run" : Format.number(r.torchSamplesPerSecond())).append(" | ")
                .append(Double.isNaN(r.ratio()) ? "" : "**" + Format.ratio(r.ratio()) + "**" + caveat).append(" | ")
                .append(r.throughput() == null ? "" : Format.number(r.throughput().allocBytes())).append(" | ")
                .append(r.throughput() == null ? "" : Format.number(r.extraBytes())).append(" |\n");
    }

    private static String latency(double p50, double p99) {
        return Format.number(p50) + " / " + Format.number(p99);
    }

    /** " ⚠" when a throughput result's iterations spread over more than 20% of their median. */
    private static String noisy(JmhResult r) {
        return Spread.of(r.iterations()).relativeRange() > 0.2 ? " ⚠" : "";
    }
}
