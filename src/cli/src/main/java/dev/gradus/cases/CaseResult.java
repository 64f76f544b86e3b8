// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cases;

import java.nio.file.Path;

/**
 * The outcome of one reference case.
 *
 * @param name     the case's name (its {@code name} field, or the file name when unreadable)
 * @param file     the case file
 * @param passed   whether every checked value was within tolerance
 * @param mismatch null when passed; otherwise the first failure: which quantity, which element,
 *                 got and want, or why the file could not be checked
 * @param checked  how many values were compared
 */
public record CaseResult(String name, Path file, boolean passed, String mismatch, int checked) {

    /** One line: {@code PASS name (N values)} or {@code FAIL name: mismatch}. */
    public String line() {
        return passed ? "PASS " + name + " (" + checked + " values)" : "FAIL " + name + ": " + mismatch;
    }
}
