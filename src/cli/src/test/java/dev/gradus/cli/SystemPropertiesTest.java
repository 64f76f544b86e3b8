// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8: {@code -Dgradus.threads=abc} gave "the native backend did not load (null)" or an
 * ExceptionInInitializerError with a stack trace and exit code 1. A bad system property is one line
 * naming it, exit code 2, whatever the command or backend; {@code --threads} overrides it. In child JVMs:
 * the property is read once, when the class initializes.
 */
class SystemPropertiesTest {
    @TempDir Path dir;

    @Test
    void aBadThreadCountPropertyIsOneLineNamingIt() throws Exception {
        Path csv = TinyData.blobsCsv(dir);
        String[][] runs = {
            {"train", "--csv", csv.toString(), "--label", "species", "--epochs", "1"},
            {"train", "--csv", csv.toString(), "--label", "species", "--epochs", "1", "--backend", "java"},
            {"info"},
        };
        for (String[] args : runs) {
            Cli r = ChildJvm.run(dir, List.of("-Dgradus.threads=abc"), args);
            assertEquals(2, r.exit(), r::transcript);
            assertEquals(List.of("gradus " + args[0] + ": error: system property gradus.threads must be an integer >= 1, got 'abc'"),
                    r.err().lines().toList(), r::transcript);
        }
        Cli zero = ChildJvm.run(dir, List.of("-Dgradus.threads=0"), "train", "--csv", csv.toString(), "--label", "species",
                "--epochs", "1");
        assertEquals(2, zero.exit(), zero::transcript);
        assertTrue(zero.err().contains("gradus.threads must be an integer >= 1, got '0'"), zero::transcript);
        Cli overridden = ChildJvm.run(dir, List.of("-Dgradus.threads=abc"), "train", "--csv", csv.toString(), "--label",
                "species", "--epochs", "1", "--threads", "1");
        assertEquals(0, overridden.exit(), overridden::transcript);
        assertTrue(overridden.out().contains("1 thread(s)"), overridden::transcript);
    }
}
