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

/** The report generator on recorded inputs: a real JMH JSON file and real torch_mlp.py output. */
class ReportTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(ReportTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void parsesJmhJson() throws IOException {
        List<JmhResult> results = JmhResult.read(fixture("gemm-direct.json"));
        assertEquals(2, results.size());
        JmhResult r = results.get(0);
        assertEquals("GemmBenchmark.gemm", r.benchmark());
        assertEquals("A.1.fwd:32x128x784:NT", r.param("shape"));
        assertEquals("direct", r.param("backend"));
        // exact copies of the recorded JSON's numbers
        assertEquals(74.11409470182271, r.score());
        assertEquals(101.62113638148642, r.error());
        assertEquals(3, r.iterations().length);
        assertEquals(71.62004030527069, r.spreadMicros().median());
        assertEquals(1.479891261506821, r.allocBytes());
    }

    @Test
    void computesGflopsFromTheShape() throws IOException {
        Report report = new Report(JmhResult.read(fixture("gemm-direct.json")), List.of(), null);
        Report.GemmRow row = report.gemmRows().get(0);
        assertEquals(32, row.m());
        assertEquals(128, row.n());
        assertEquals(784, row.k());
        // 2·32·128·784 flops in 74.114 µs
        assertEquals(2.0 * 32 * 128 * 784 / 74.11409470182271e-6 / 1e9, row.gflops(row.direct()), 1e-9);
        assertTrue(Double.isNaN(row.percentOfDirect()), "no native result in this file");
    }

    @Test
    void parsesTorchResultLines() throws IOException {
        List<EpochResult> e = EpochResult.read(fixture("torch-A.txt"));
        assertEquals(1, e.size());
        assertEquals("pytorch", e.get(0).backend());
        assertEquals("A", e.get(0).net());
        assertEquals(200, e.get(0).steps());
        assertTrue(e.get(0).partial(), "200 steps of 32 are not an epoch");
        assertEquals(1858.5836812034665, e.get(0).samplesPerSecond().median());
    }

    @Test
    void writesMarkdownAndWellFormedSvg() throws Exception {
        int code = ReportMain.run("--jmh", fixture("gemm-direct.json").toString(), "--torch",
                fixture("torch-A.txt").toString(), "--out", dir.toString(), "--commit", "abc123");
        assertEquals(0, code);
        String md = Files.readString(dir.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("| A.1.fwd:32x128x784:NT |"), md);
        assertTrue(md.contains("## Machine"), md);
        for (String svg : List.of(ReportWriter.GEMM_CHART, ReportWriter.EPOCH_CHART)) {
            Path f = dir.resolve(svg);
            DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile());   // throws if malformed
            assertTrue(md.contains("(" + svg + ")"), "REPORT.md links " + svg);
        }
    }

    @Test
    void badInputExitsWithTwo() {
        assertEquals(2, ReportMain.run("--jmh", dir.resolve("missing.json").toString(), "--out", dir.toString()));
        assertEquals(2, ReportMain.run("--out", dir.toString()));
    }
}
