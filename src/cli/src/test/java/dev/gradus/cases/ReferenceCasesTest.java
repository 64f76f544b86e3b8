// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cases;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.backend.Backend;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.reference.ReferenceBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Tag;

/**
 * Every PyTorch reference case in {@code ${gradus.shared}/cases} passes on every backend, with each
 * case's own tolerance (rtol 1e-4, atol 1e-5: float32 arithmetic against float64 PyTorch values).
 * A missing directory fails the test: a proof that silently skips proves nothing.
 */
@Tag("blas")
class ReferenceCasesTest {

    static Path casesDir() {
        String shared = System.getProperty("gradus.shared");
        assertTrue(shared != null, "system property gradus.shared is not set (surefire sets it to ../shared)");
        Path dir = Path.of(shared, "cases");
        assertTrue(Files.isDirectory(dir), "reference cases directory " + dir.toAbsolutePath() + " is missing");
        return dir;
    }

    static List<Supplier<Backend>> backends() {
        return List.of(ReferenceBackend::new, NativeBackend::new);
    }

    @TestFactory
    List<DynamicTest> everyCasePassesOnEveryBackend() {
        Path dir = casesDir();
        List<DynamicTest> tests = new ArrayList<>();
        for (Supplier<Backend> make : backends()) {
            Backend backend = make.get();
            for (CaseResult r : CaseChecker.checkDirectory(dir, backend)) {
                tests.add(DynamicTest.dynamicTest(backend.name() + ": " + r.name(),
                        () -> assertTrue(r.passed(), r.line())));
            }
        }
        return tests;
    }

    /** Every case of {@code cases/cnn}: convolution, pooling, flatten, batchnorm and layernorm. */
    @TestFactory
    List<DynamicTest> everyConvolutionCasePassesOnEveryBackend() {
        Path dir = casesDir().resolve("cnn");
        List<DynamicTest> tests = new ArrayList<>();
        for (Supplier<Backend> make : backends()) {
            Backend backend = make.get();
            List<CaseResult> results = CaseChecker.checkDirectory(dir, backend);
            assertTrue(results.size() >= 23, "cases in " + dir + ": " + results.size());
            for (CaseResult r : results) {
                tests.add(DynamicTest.dynamicTest(backend.name() + ": " + r.name(),
                        () -> assertTrue(r.passed(), r.line())));
            }
        }
        return tests;
    }
}
