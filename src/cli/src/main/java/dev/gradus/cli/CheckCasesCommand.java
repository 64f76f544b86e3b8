// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.cases.CaseChecker;
import dev.gradus.cases.CaseResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gradus check-cases DIR}: runs PyTorch-computed reference cases; exit 1 if any fails. */
@Command(name = "check-cases", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Checks a backend against PyTorch-computed reference cases; exit code 1 if any fails.",
                "Runs every gradus-case/1 or /2 JSON file of DIR (outputs, loss, gradients, optimizer steps):",
                "a line per case, then 'N passed, N failed'."})
final class CheckCasesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "A directory of *.json reference cases, e.g. ../shared/cases.")
    Path dir;

    @Mixin BackendOptions backendOptions;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        List<CaseResult> results = CaseChecker.checkDirectory(dir, backendOptions.open());
        int failed = 0;
        for (CaseResult r : results) {
            o.println(r.line());
            failed += r.passed() ? 0 : 1;
        }
        o.println((results.size() - failed) + " passed, " + failed + " failed");
        o.flush();
        return failed == 0 ? 0 : 1;
    }
}
