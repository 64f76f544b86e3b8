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

/** The headline table, "% of the limit", the GEMM work per network, FMA_PEAK lines and the JMH compaction. */
class HeadlineAndLimitTest {
    @TempDir
    Path dir;

    private static final Machine INTEL = new Machine("2026-12-02T00:00:00Z", "Intel Xeon", List.of("avx512f"), 2,
            "jdk", "os", "OpenBLAS 0.3.31", 1, "avx512", 2, "0.1.0", "abc", "0.10 0.10 0.10", "SkylakeX", "");

    private static EpochResult epoch(String net, String backend, double sps, int samples) {
        String torch = backend.equals("pytorch") ? "\"torch\": \"1.13.0a0\", \"env\": {\"OPENBLAS_CORETYPE\": null}, "
                : "\"backend\": \"" + backend + "\", ";
        return EpochResult.parse("{\"net\": \"" + net + "\", " + torch + "\"threads\": 2, \"batch\": 64, \"trials\": "
                + "[{\"samples_per_s\": " + sps + ", \"steps\": 10, \"samples\": " + samples + "}]}", "test");
    }

    private static FmaPeakResult peak(int threads, double gflops) {
        return FmaPeakResult.parse("{\"threads\": " + threads + ", \"gflops\": " + gflops + ", \"vector_bits\": 512, "
                + "\"lanes\": 16, \"accumulators\": 12, \"runs\": 5, \"cpu\": \"Intel Xeon\"}", "test");
    }

    @Test
    void gemmWorkPerSampleMatchesTheHandCount() {
        // A: 784·128 + 128·10 multiply-adds; 2 flops each; 3 products but the first layer's input gradient
        assertEquals(2.0 * (784 * 128 * 2 + 128 * 10 * 3), GemmWork.perSample("A"));
        assertEquals(2.0 * (784 * 1024 * 2 + 1024 * 1024 * 3 + 1024 * 10 * 3), GemmWork.perSample("B"));
        // C: conv 1→6 5×5 on 28×28 (padding 2), conv 6→16 5×5 → 10×10, dense 400-120-84-10
        double c1 = 6.0 * 28 * 28 * 25;
        double rest = 16.0 * 10 * 10 * 6 * 25 + 400 * 120 + 120 * 84 + 84 * 10;
        assertEquals(2 * (2 * c1 + 3 * rest), GemmWork.perSample("C"));
        // D: conv 1→32 3×3 → 26×26, conv 32→64 3×3 → 24×24, dense 9216-128-10
        double d1 = 32.0 * 26 * 26 * 9;
        double drest = 64.0 * 24 * 24 * 32 * 9 + 9216 * 128 + 128 * 10;
        assertEquals(2 * (2 * d1 + 3 * drest), GemmWork.perSample("D"));
        assertThrows(IllegalArgumentException.class, () -> GemmWork.perSample("E"));
    }

    @Test
    void headlineRowsTakeWholeEpochsOnlyAndComputeThePercentOfTheLimit() {
        Report r = new Report(List.of(), List.of(epoch("C", "native", 40000, 60000), epoch("C", "pytorch", 16000, 60000),
                epoch("A", "native", 150000, 19200), epoch("A", "pytorch", 60000, 19200)), INTEL, List.of(),
                List.of(peak(1, 240), peak(2, 480)));
        List<Report.HeadlineRow> rows = r.headlineRows();
        assertEquals(1, rows.size(), "A ran partial epochs only");
        Report.HeadlineRow c = rows.get(0);
        assertEquals(2.5, c.ratio());
        assertEquals(2.5, c.target());
        assertEquals(480, c.peak().gflops(), "the peak at Gradus's thread count");
        double flops = GemmWork.perSample("C");
        assertEquals(100 * flops * 40000 / 480e9, c.percentOfLimit(c.gradus()), 1e-9);
        assertEquals(100 * flops * 16000 / 480e9, c.percentOfLimit(c.pytorch()), 1e-9);
        assertNull(r.fmaPeak(4));
    }

    @Test
    void headlineTableComesFirstWithCpuKernelAndThreads() throws IOException {
        Report r = new Report(List.of(), List.of(epoch("C", "native", 40000, 60000), epoch("C", "pytorch", 16000, 60000),
                epoch("A", "native", 150000, 19200), epoch("A", "java", 2000, 640)), INTEL, List.of(),
                List.of(peak(2, 480)));
        new ReportWriter(r, null, List.of()).write(dir);
        String md = Files.readString(dir.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("| C LeNet-5, batch 64 | 40,000 | 16,000 | **2.50×** | ≥ 2.50× (met) | "), md);
        assertTrue(md.contains("| Intel Xeon | SkylakeX | 2 |"), md);
        assertTrue(md.contains("Network A is not in the table: its native run stopped after 10 steps"), md);
        assertTrue(md.contains("480 GFLOP/s on 2 threads"), md);
        assertTrue(md.contains("### Partial epochs (not in the headline)"), md);
        assertTrue(md.indexOf("| network | Gradus samples/s") < md.indexOf("## Machine"), "headline first");
        // the whole-epoch table holds C and no partial row; the partial one holds A's
        String whole = md.substring(md.indexOf("## Whole-epoch"), md.indexOf("### Partial epochs"));
        assertFalse(whole.contains("(partial)"), whole);
        assertTrue(whole.contains("*Intel Xeon, OpenBLAS kernel SkylakeX.*"), whole);
    }

    @Test
    void gemmTablesAreOnePerThreadCount() throws IOException {
        Report r = new Report(JmhResult.read(ReportTest.fixture("jmh-fixture.json")), List.of(), INTEL, List.of(),
                List.of(peak(1, 240)));
        new ReportWriter(r, null, List.of()).write(dir);
        String md = Files.readString(dir.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("### GEMM, 1 thread\n\n*Intel Xeon, OpenBLAS kernel SkylakeX, 1 thread.*"), md);
        assertFalse(md.contains("### GEMM, 2 threads"), md);
        Report.GemmRow a = r.gemmRows().get(0);
        String pct = Format.percent(100 * a.gflops(a.nativeResult()) / 240);
        assertTrue(md.contains(" | " + pct + " | "), "native GFLOP/s over the 1-thread peak: " + pct + "\n" + md);
    }

    @Test
    void fmaPeakLinesParseAndBadOnesAreRejected() throws IOException {
        Path f = Files.writeString(dir.resolve("fma.txt"), "FMA peak, 1 thread(s): 241 GFLOP/s\n"
                + "FMA_PEAK {\"threads\": 1, \"gflops\": 241.3, \"vector_bits\": 512, \"lanes\": 16, \"accumulators\": 12}\n");
        List<FmaPeakResult> p = FmaPeakResult.read(f);
        assertEquals(1, p.size());
        assertEquals(241.3, p.get(0).gflops());
        assertEquals(16, p.get(0).lanes());
        Path bad = Files.writeString(dir.resolve("bad.txt"), "FMA_PEAK {\"threads\": 2}\n");
        assertEquals(2, ReportMain.run("--fma-peak", bad.toString(), "--out", dir.toString()));
    }

    @Test
    void compactJmhJsonReadsBackToTheSameResults() throws IOException {
        Path full = ReportTest.fixture("jmh-fixture.json");
        Path small = Files.writeString(dir.resolve("small.json"), JmhCompact.compact(full));
        List<JmhResult> before = JmhResult.read(full);
        List<JmhResult> after = JmhResult.read(small);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            JmhResult b = before.get(i);
            JmhResult a = after.get(i);
            assertEquals(b.benchmark(), a.benchmark());
            assertEquals(b.params(), a.params());
            assertEquals(b.score(), a.score());
            assertEquals(b.error(), a.error());
            assertEquals(b.allocBytes(), a.allocBytes());
            assertEquals(b.settings(), a.settings());
            assertEquals(b.spreadMicros(), a.spreadMicros());
        }
        long lines = Files.readAllLines(small).size();
        assertEquals(before.size() + 2, lines, "one line per result between the brackets");
        assertTrue(Files.size(small) < Files.size(full) / 2, "much smaller than JMH's own file");
    }
}
