// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.backend.Backend;
import dev.gradus.backend.reference.ReferenceBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker itself: it reports a wrong value precisely, a malformed file as a failure, and counts. */
class CaseCheckerTest {

    @TempDir
    Path tmp;

    private static String worked() throws Exception {
        return Files.readString(ReferenceCasesTest.casesDir().resolve("seed_worked_example.json"));
    }

    @Test
    void aWrongExpectedGradientIsReportedWithItsElement() throws Exception {
        Backend b = new ReferenceBackend();
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, worked().replace("0.27294224462808087", "0.3"));
        CaseResult r = CaseChecker.check(f, b);
        assertFalse(r.passed());
        assertTrue(r.mismatch().startsWith("grad 2.bias[0]: got 0.27294") && r.mismatch().contains("want 0.3"),
                r.mismatch());
    }

    @Test
    void aTrainingMismatchNamesTheStep() throws Exception {
        Backend b = new ReferenceBackend();
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, worked().replace("0.20155947031844987", "0.2"));
        CaseResult r = CaseChecker.check(f, b);
        assertTrue(r.mismatch().startsWith("train loss before step 2"), r.mismatch());
    }

    @Test
    void malformedFilesFailWithTheReason() throws Exception {
        Backend b = new ReferenceBackend();
        Path notJson = tmp.resolve("a.json");
        Files.writeString(notJson, "{ nope");
        assertTrue(CaseChecker.check(notJson, b).mismatch().contains("not valid JSON"));
        Path noLoss = tmp.resolve("b.json");
        Files.writeString(noLoss, worked().replace("\"loss\":{\"type\":\"mse\"},", ""));
        assertTrue(CaseChecker.check(noLoss, b).mismatch().contains("missing field 'loss'"));
        Path typo = tmp.resolve("c.json");
        Files.writeString(typo, worked().replace("{\"type\":\"sgd\",\"lr\":0.5}", "{\"type\":\"sgd\",\"lr\":0.5,\"momentun\":0.9}"));
        assertTrue(CaseChecker.check(typo, b).mismatch().contains("unknown field 'momentun'"),
                CaseChecker.check(typo, b).mismatch());
        Path shape = tmp.resolve("d.json");
        Files.writeString(shape, worked().replace("{\"name\":\"2.bias\",\"shape\":[1],\"data\":[0.1]}",
                "{\"name\":\"2.bias\",\"shape\":[2],\"data\":[0.1,0.1]}"));
        assertTrue(CaseChecker.check(shape, b).mismatch().contains("2.bias has shape [2]"));
    }

    @Test
    void directoryRunPrintsALinePerCaseAndTheCounts() throws Exception {
        Backend b = new ReferenceBackend();
        Files.writeString(tmp.resolve("good.json"), worked());
        Files.writeString(tmp.resolve("bad.json"), worked().replace("0.5518091201577804", "0.6"));
        Files.writeString(tmp.resolve("README.md"), "not a case");
        List<CaseResult> rs = CaseChecker.checkDirectory(tmp, b);
        assertEquals(2, rs.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int failed = CaseChecker.print(rs, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(1, failed);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("FAIL seed_worked_example: output[0]") && text.contains("PASS seed_worked_example")
                && text.endsWith("1 passed, 1 failed" + System.lineSeparator()), text);
        assertThrows(IllegalArgumentException.class, () -> CaseChecker.checkDirectory(tmp.resolve("missing"), b));
    }
}
