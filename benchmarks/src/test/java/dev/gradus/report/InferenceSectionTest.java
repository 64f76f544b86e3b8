// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Inference section on recorded inputs: {@code predict-fixture.json} (PredictBenchmark smoke runs with -prof gc,
 * batches through {@code predictInto},
 * compacted: A latency and throughput at batch 1 and 32, B throughput and twoCallers at batch 1 and 256, pool of 1)
 * and {@code torch-infer-AB.txt} (torch_infer.py on A and B, 1 thread); {@code onnx-fixture.json} adds
 * OnnxRuntimeBenchmark on A at batch 1 and 256. Expected numbers are copied from them.
 */
class InferenceSectionTest {
    @TempDir
    Path dir;

    private static Report report() throws IOException {
        return new Report(JmhResult.read(ReportTest.fixture("predict-fixture.json")), List.of(), null, List.of(),
                List.of(), TorchInference.read(ReportTest.fixture("torch-infer-AB.txt")));
    }

    @Test
    void compactJsonKeepsSampleTimePercentilesAndThroughputReadsAsOpsPerSecond() throws IOException {
        List<JmhResult> all = JmhResult.read(ReportTest.fixture("predict-fixture.json"));
        JmhResult latency = all.get(2);
        assertEquals("PredictBenchmark.latency", latency.benchmark());
        assertEquals(5.5520000000000005, latency.percentileMicros(50));
        assertEquals(13.106240000000007, latency.percentileMicros(99));
        assertTrue(Double.isNaN(latency.percentileMicros(90)), "p90 is not kept");
        JmhResult throughput = all.get(0);
        assertEquals(304369.6450767938, throughput.opsPerSecond());
        assertEquals(304369.6450767938 * 0.3, throughput.opsPerIteration(), 1e-6);
        assertTrue(throughput.percentiles().isEmpty());
        // a time per op still inverts
        assertEquals(1e6 / latency.micros(), latency.opsPerSecond(), 1e-9);
    }

    @Test
    void compactionKeepsP50AndP99OfASampleTimeResultOnly() throws IOException {
        // JMH's own shape for sample time: ten percentiles and a histogram per iteration instead of rawData
        Path full = Files.writeString(dir.resolve("full.json"), "[{\"benchmark\": \"x.PredictBenchmark.latency\", "
                + "\"params\": {\"net\": \"A\", \"batch\": \"1\"}, \"primaryMetric\": {\"score\": 8.9, "
                + "\"scoreError\": 3.8, \"scoreUnit\": \"us/op\", \"scorePercentiles\": {\"0.0\": 5.3, \"50.0\": 5.4, "
                + "\"90.0\": 5.5, \"99.0\": 11.1, \"99.9\": 1175.3, \"100.0\": 6955.0}, "
                + "\"rawDataHistogram\": [[[[5.3, 10], [5.4, 20]]]]}}]");
        Path small = Files.writeString(dir.resolve("small.json"), JmhCompact.compact(full));
        String text = Files.readString(small);
        assertFalse(text.contains("rawDataHistogram") || text.contains("\"90.0\"") || text.contains("1175.3"), text);
        JmhResult r = JmhResult.read(small).get(0);
        assertEquals(5.4, r.percentileMicros(50));
        assertEquals(11.1, r.percentileMicros(99));
        assertEquals(2, r.percentiles().size());
    }

    @Test
    void torchInferLinesParseAndBadOnesAreRejected() throws IOException {
        List<TorchInference> t = TorchInference.read(ReportTest.fixture("torch-infer-AB.txt"));
        assertEquals(6, t.size());
        assertTrue(t.get(0).latency());
        assertEquals(13.067, t.get(0).p50());
        assertEquals(31.221, t.get(0).p99());
        assertEquals(59089.991333344624, t.get(1).samplesPerSecond().median());
        assertEquals(1, t.get(1).threads());
        assertThrows(IllegalArgumentException.class, () -> TorchInference.parse("{\"net\": \"A\", \"batch\": 1, "
                + "\"kind\": \"throughput\", \"trials\": []}", "test"));
        assertThrows(IllegalArgumentException.class, () -> TorchInference.parse("{\"net\": \"A\", \"batch\": 1, "
                + "\"kind\": \"median\"}", "test"));
        Path bad = Files.writeString(dir.resolve("bad.txt"), "INFER {\"net\": \"A\", \"kind\": \"latency\"}\n");
        assertEquals(2, ReportMain.run("--torch-infer", bad.toString(), "--out", dir.toString()));
    }

    @Test
    void rowsJoinLatencyThroughputAndPytorch() throws IOException {
        Report r = report();
        List<Report.InferenceRow> rows = r.inferenceRows();
        assertEquals(List.of("A 1", "A 32", "B 1", "B 256"), rows.stream().map(x -> x.net() + " " + x.batch()).toList());
        Report.InferenceRow a1 = rows.get(0);
        assertEquals(5.5520000000000005, a1.latency().percentileMicros(50));
        assertEquals(304369.6450767938, a1.samplesPerSecond());
        assertEquals(304369.6450767938 / 59089.991333344624, a1.ratio(), 1e-12);
        assertEquals(13.067, a1.torchLatency().p50());
        Report.InferenceRow a32 = rows.get(1);
        assertEquals(13278.312242608881 * 32, a32.samplesPerSecond(), 1e-9);
        assertEquals(2.509528585757272, a32.throughput().allocBytes(), "a batch predictInto: JMH's noise only");
        assertNull(a32.torchLatency(), "PyTorch times single calls at batch 1 only");
        Report.InferenceRow b256 = rows.get(3);
        assertNull(b256.latency());
        assertEquals(145.8857282064336 * 256 / 35127.912369451056, b256.ratio(), 1e-12);
        List<Report.ScalingRow> scaling = r.scalingRows();
        assertEquals(2, scaling.size());
        assertEquals(8980.803484581693 / 3793.6789793610437, scaling.get(0).speedup(), 1e-12);
        assertEquals(256, scaling.get(1).batch());
    }

    @Test
    void onnxRuntimeJoinsTheRowsAndGetsItsOwnTable() throws IOException {
        List<JmhResult> jmh = new java.util.ArrayList<>(JmhResult.read(ReportTest.fixture("predict-fixture.json")));
        jmh.addAll(JmhResult.read(ReportTest.fixture("onnx-fixture.json")));
        Report r = new Report(jmh, List.of(), null, List.of(), List.of(), List.of());
        List<Report.InferenceRow> rows = r.inferenceRows();
        assertEquals(List.of("A 1", "A 32", "A 256", "B 1", "B 256"),
                rows.stream().map(x -> x.net() + " " + x.batch()).toList());
        Report.InferenceRow a1 = rows.get(0);
        assertEquals(5.656, a1.onnxLatency().percentileMicros(50));
        assertEquals(304369.6450767938 / 162651.14454393435, a1.onnxRatio(), 1e-12);
        Report.InferenceRow a256 = rows.get(2);
        assertNull(a256.throughput(), "ONNX Runtime only");
        assertEquals(4056.1065000965987 * 256, a256.onnxSamplesPerSecond(), 1e-6);
        assertTrue(Double.isNaN(a256.onnxRatio()));
        new ReportWriter(r, null, List.of()).write(dir);
        String md = Files.readString(dir.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("| A 784-128-10 | 1 | 5.55 / 13.1 | 5.66 / 16.3 | 304,370 | 162,651 | **1.87×** | 416 |"), md);
        assertTrue(md.contains("| A 784-128-10 | 256 |  | 240 / 340 |  | 1,038,363 |  | 565 |"), md);
        assertTrue(md.contains("| B 784-1024-1024-10 | 1 |  |  | 3,794 | not run |  |  |"), md);
    }

    @Test
    void sectionShowsTheTableAndTheScalingLines() throws IOException {
        new ReportWriter(report(), null, List.of()).write(dir);
        String md = Files.readString(dir.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("## Inference\n"), md);
        assertTrue(md.contains("### Inference, pool of 1 thread\n"), md);
        assertTrue(md.contains("| A 784-128-10 | 1 | 5.55 / 13.1 | 13.1 / 31.2 | 304,370 | 59,090 | **5.15×** | 0.0832 |"),
                md);
        assertTrue(md.contains("| A 784-128-10 | 32 | 73.2 / 120 |  | 424,906 | 265,262 | **1.60×** | 2.51 |"), md);
        assertTrue(md.contains("| B 784-1024-1024-10 | 256 |  |  | 37,347 | 35,128 | **1.06×** | 171 |"), md);
        assertTrue(md.contains("- B, batch 1, pool of 1: 1 caller 3,794 samples/s, 2 callers 8,981 samples/s (**2.37×**)."),
                md);
        assertFalse(md.contains("(threads 1 vs"), "PyTorch ran with 1 thread too");
        assertTrue(md.indexOf("## Inference") < md.indexOf("## Inputs"));
        assertFalse(md.contains("ONNX Runtime (Java API"), "no ONNX Runtime table when it did not run");
        // the headline's line per network at batch 1, before the section
        String line = "- Inference A, batch 1, pool of 1: p50 5.55 µs (PyTorch 13.1 µs), 304,370 samples/s, 5.15× "
                + "PyTorch's, 0.0832 B/call allocated.\n";
        assertTrue(md.contains(line), md);
        assertTrue(md.indexOf(line) < md.indexOf("## Inference"));
        assertTrue(md.contains("- Inference B, batch 1, pool of 1: 3,794 samples/s, 2.13× PyTorch's, 6.56 B/call allocated.\n"), md);
    }
}
