// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.cases.CaseChecker;
import dev.gradus.cases.CaseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every PyTorch reference case in {@code ../shared/cases} passes on the reference backend (each case
 * carries its own float32 tolerance; see its README). The folder must be there: no silent skip.
 */
class ReferenceCasesTest {

    @Test
    void everySharedCasePasses() {
        Path dir = Path.of(System.getProperty("gradus.shared", "../shared"), "cases");
        assertTrue(Files.isDirectory(dir), "the shared reference cases must be present at " + dir.toAbsolutePath());
        List<CaseResult> results = CaseChecker.checkDirectory(dir, new ReferenceBackend());
        StringBuilder failures = new StringBuilder();
        for (CaseResult r : results) {
            if (!r.passed()) {
                failures.append('\n').append(r.line());
            }
        }
        assertTrue(failures.length() == 0, results.size() + " cases, failed:" + failures);
    }
}
