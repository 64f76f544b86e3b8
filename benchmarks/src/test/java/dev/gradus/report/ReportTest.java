// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report generator on recorded inputs (src/test/resources/dev/gradus/report): a real JMH JSON file
 * ({@code jmh-fixture.json}: GEMM on 2 shapes × 3 backends, 2 kernels × 2 backends, the training step of A on
 * both backends with -prof gc, 1 thread, on a loaded machine), real epoch-runner output and real torch_mlp.py
 * output. Expected numbers are copied from those files.
 */
class ReportTest {
    /** Derived figures are a few divisions of doubles: equal to 1e-12 relative. */
    private static final double REL = 1e-12;

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(ReportTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Report report() throws IOException {
        List<EpochResult> epochs = new java.util.ArrayList<>(EpochResult.read(fixture("epochs-A.txt")));
        epochs.addAll(EpochResult.read(fixture("torch-A.txt")));
        return new Report(JmhResult.read(fixture("jmh-fixture.json")), epochs, Machine.read(fixture("epochs-A.txt")));
    }

    static void assertClose(double expected, double actual) {
        assertEquals(expected, actual, Math.abs(expected) * REL);
    }

    @Test
    void parsesJmhJson() throws IOException {
        List<JmhResult> results = JmhResult.read(fixture("jmh-fixture.json"));
        assertEquals(12, results.size());
        JmhResult r = results.get(0);
        assertEquals("GemmBenchmark.gemm", r.benchmark());
        assertEquals("A.1.fwd:32x128x784:NT", r.param("shape"));
        assertEquals("native", r.param("backend"));
        assertEquals(395.9673410220259, r.score());
        assertEquals(4322.670331226483, r.error());
        assertEquals(3, r.iterations().length);
        assertEquals(new Spread(276.7773671199011, 242.2879838150289, 668.8366721311476, 3), r.spreadMicros());
        assertTrue(Double.isNaN(r.allocBytes()), "no gc profiler on the GEMM run");
        JmhResult step = results.get(10);
        assertEquals("TrainStepBenchmark.step", step.benchmark());
        assertEquals(54.20357897777253, step.allocBytes());
        assertEquals(0.2, step.iterationSeconds());                       // -r 200ms
        assertClose(0.2e6 / 1569.129795186892, step.opsPerIteration());
        assertEquals(1.5, JmhResult.seconds("1500 ms"));
        assertEquals("JMH 1.37, 1 fork(s), warm-up 1 × 200 ms, 3 × 200 ms measured -Xms1g -Xmx1g", step.settings());
        assertTrue(Double.isNaN(JmhResult.seconds("single-shot")), "not a time");
    }

    @Test
    void gemmRowsComputeGflopsPercentOfDirectAndSpeedup() throws IOException {
        List<Report.GemmRow> rows = report().gemmRows();
        assertEquals(2, rows.size());
        Report.GemmRow a = rows.get(0);
        assertEquals("A.1.fwd:32x128x784:NT", a.shape());
        assertEquals(2.0 * 32 * 128 * 784, a.flops());
        assertClose(2.0 * 32 * 128 * 784 / 395.9673410220259e-6 / 1e9, a.gflops(a.nativeResult()));
        assertClose(100 * 322.69142156651696 / 395.9673410220259, a.percentOfDirect());
        assertClose(12575.927467032967 / 395.9673410220259, a.speedup());
        Report.GemmRow sq = rows.get(1);
        assertEquals(256, sq.m());
        assertClose(100 * 774.2978061050395 / 715.9390298279071, sq.percentOfDirect());
    }

    @Test
    void kernelRowsComputeBandwidthAndSpeedup() throws IOException {
        List<Report.KernelRow> rows = report().kernelRows();
        assertEquals(2, rows.size());
        Report.KernelRow relu = rows.get(0);
        assertEquals("relu_forward", relu.kernel());
        assertEquals(4096, relu.size());
        assertClose(4096.0 * 8 / 1.5996418551886737e-6 / 1e9, relu.gbps(relu.nativeResult()));
        assertClose(8.383027051488247 / 1.5996418551886737, relu.speedup());
        // 4096 · 8 B at 40 GB/s take 0.8192 µs
        assertClose(1.5996418551886737 / 0.8192, relu.timeOverDram());
        Report.KernelRow sgd = rows.get(1);
        assertClose(4096.0 * 20 / 22.886031559345184e-6 / 1e9, sgd.gbps(sgd.javaResult()));
    }

    @Test
    void trainAndEpochRows() throws IOException {
        Report report = report();
        List<Report.TrainRow> steps = report.trainRows();
        assertEquals(List.of("java", "native"), steps.stream().map(Report.TrainRow::backend).toList());
        assertClose(32 / 1569.129795186892e-6, steps.get(1).samplesPerSecond());
        assertClose(98011.74477777777 / 1569.129795186892, report.trainSpeedup("A"));
        assertTrue(Double.isNaN(report.trainSpeedup("B")), "B was not run");

        Report.EpochRow a = report.epochRows().get(0);
        assertEquals(30564.240717082936, a.nativeResult().samplesPerSecond().median());
        assertEquals(562.3479988735749, a.javaResult().samplesPerSecond().median());
        assertTrue(a.nativeResult().partial(), "300 steps of 32 are a partial epoch");
        assertClose(30564.240717082936 / 562.3479988735749, a.speedup());
        assertClose(30564.240717082936 / 1858.5836812034665, a.versusPytorch());
    }

    @Test
    void parsesResultAndMachineLines() throws IOException {
        EpochResult t = EpochResult.read(fixture("torch-A.txt")).get(0);
        assertEquals("pytorch", t.backend());
        assertEquals("1.13.0a0", t.version());
        assertEquals(200, t.steps());
        assertTrue(t.partial(), "200 steps of 32 are not an epoch");
        Machine m = Machine.read(fixture("epochs-A.txt"));
        assertEquals("fixture", m.commit());
        assertEquals(2, m.cores());
        assertEquals("15.54 10.51 5.31", m.loadAverage());
        assertTrue(Headline.busyWarning(m).startsWith("The machine was busy: load average 15.54"), "load 15.54 > 2 cores");
    }

    @Test
    void headlineRepeatsTheSlowKernelWarningAndMachineTableNamesTheKernel() throws IOException {
        Machine m = new Machine("2026-12-02T00:00:00Z", "AMD EPYC", List.of("avx2", "avx512f"), 2, "jdk", "os",
                "OpenBLAS 0.3.31", 1, "avx512", 2, "0.1.0", "abc", "0.50 0.40 0.30", "Haswell",
                "OpenBLAS runs its Haswell kernel (AVX2), but this CPU supports Cooperlake");
        Path dir = Files.createTempDirectory("report");
        new ReportWriter(new Report(List.of(), List.of(), m), null, List.of()).write(dir);
        String md = Files.readString(dir.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("> ⚠ OpenBLAS runs its Haswell kernel"), md);
        assertTrue(md.contains("| OpenBLAS kernel | Haswell |"), md);
        assertTrue(md.contains("OpenBLAS kernel Haswell, load average 0.50 0.40 0.30"), md);
    }

    @Test
    void rendersAStepProfileWithSharesOfTheStep() throws IOException {
        StepProfileResult p = StepProfileResult.parse("{\"net\": \"B\", \"batch\": 256, \"threads\": 2, \"steps\": 80,"
                + " \"rounds\": 3, \"step_us\": 200.0, \"plain_step_us\": 190.0, \"gemm_gflops\": 150.0,"
                + " \"loadavg_before\": \"0.5 0.4 0.3\", \"categories\": {\"GEMM\": 150.0, \"optimizer\": 50.0},"
                + " \"calls\": [{\"label\": \"layer 2 fwd 256x1024x1024:NT\", \"category\": \"GEMM\","
                + " \"calls_per_step\": 1.0, \"us\": 150.0, \"share\": 0.75, \"gflops\": 150.0}]}", "test");
        assertEquals(190.0, p.plainStepUs());
        assertEquals(0.75, p.calls().get(0).share());
        Path dir = Files.createTempDirectory("report");
        new ReportWriter(new Report(List.of(), List.of(), null, List.of(p)), null, List.of()).write(dir);
        String md = Files.readString(dir.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("### Network B, batch 256, 2 threads"), md);
        assertTrue(md.contains("| **optimizer** | 50.0 | 25.0% |"), md);
        assertTrue(md.contains("| layer 2 fwd 256x1024x1024:NT | GEMM | 150 | 75.0% | 150 |"), md);
    }

    @Test
    void takesTheLargestOffHeapGrowthOverTrials() {
        EpochResult e = EpochResult.parse("{\"net\": \"B\", \"backend\": \"native\", \"batch\": 256, \"trials\": ["
                + "{\"samples_per_s\": 10.0, \"steps\": 235, \"samples\": 60000, \"offheap_growth_bytes\": 0},"
                + "{\"samples_per_s\": 30.0, \"steps\": 235, \"samples\": 60000, \"offheap_growth_bytes\": 4096}]}", "test");
        assertEquals(4096, e.offHeapGrowth());
        assertEquals(new Spread(20, 10, 30, 2), e.samplesPerSecond());
        assertTrue(!e.partial(), "60,000 samples are a whole epoch");
    }

    @Test
    void marksResultsWhoseIterationsSpreadOverTwentyPercent() throws IOException {
        List<JmhResult> r = JmhResult.read(fixture("jmh-fixture.json"));
        assertEquals(" ⚠", ReportWriter.noisy(r.get(0)));   // 242–669 around 277
        assertEquals("", ReportWriter.noisy(r.get(1)));     // 656–769 around 723: 15.6%
    }

    @Test
    void caveatNamesWhatIsNotLikeForLike() throws IOException {
        Report.EpochRow a = report().epochRows().get(0);
        assertEquals(" (threads 1 vs 2; partial epoch)", Headline.caveat(a.nativeResult(), a.pytorch()));
    }

    @Test
    void writesMarkdownAndWellFormedSvg() throws Exception {
        int code = ReportMain.run("--jmh", fixture("jmh-fixture.json").toString(),
                "--results", fixture("epochs-A.txt").toString(), "--torch", fixture("torch-A.txt").toString(),
                "--out", dir.toString(), "--command", "test");
        assertEquals(0, code);
        String md = Files.readString(dir.resolve(ReportWriter.MARKDOWN));
        for (String expected : List.of("## Machine", "| A.1.fwd:32x128x784:NT |", "| relu_forward | 4 Ki | 8 |",
                "| A | native | 1 |", "Produced by `test`", "commit fixture",
                "- GEMM through NativeBackend, 1 thread: median ", "the wrapper's own cost, target ≥ 98%")) {
            assertTrue(md.contains(expected), "REPORT.md lacks '" + expected + "':\n" + md);
        }
        // the fixture's epochs are partial: no headline row, no epoch chart (it shows whole epochs only)
        assertTrue(md.contains("Network A is not in the table: its native run stopped after 300 steps"), md);
        assertTrue(!Files.exists(dir.resolve(ReportWriter.EPOCH_CHART)), "no whole epoch, no epoch chart");
        for (String svg : List.of(ReportWriter.GEMM_CHART, ReportWriter.SPEEDUP_CHART, ReportWriter.BANDWIDTH_CHART)) {
            DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve(svg).toFile());  // throws if malformed
            assertTrue(md.contains("(" + svg + ")"), "REPORT.md links " + svg);
        }
    }

    @Test
    void badInputExitsWithTwo() throws IOException {
        assertEquals(2, ReportMain.run("--jmh", dir.resolve("missing.json").toString(), "--out", dir.toString()));
        assertEquals(2, ReportMain.run("--out", dir.toString()));
        Path notJmh = Files.writeString(dir.resolve("x.json"), "{\"a\": 1}");
        assertEquals(2, ReportMain.run("--jmh", notJmh.toString(), "--out", dir.toString()));
        Path badResult = Files.writeString(dir.resolve("r.txt"), "RESULT {\"net\": \"A\"}\n");
        assertEquals(2, ReportMain.run("--results", badResult.toString(), "--out", dir.toString()));
    }
}
