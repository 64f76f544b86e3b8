// SPDX-License-Identifier: Apache-2.0
package dev.gradus.suites;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs every test tagged "blas" under the class-path roots given as arguments (this module's and the
 * library's test classes) and exits 1 if any failed, was skipped or none was found: the child JVM of
 * {@link BlasKernelMatrixTest}.
 */
public final class BlasSuites {
    private BlasSuites() {}

    public static void main(String[] args) {
        Set<Path> roots = new LinkedHashSet<>();
        for (String a : args) {
            roots.add(Path.of(a));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClasspathRoots(roots))
                .filters(TagFilter.includeTags("blas"))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary s = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printFailuresTo(out, 30);
        out.println("[suites] " + s.getTestsSucceededCount() + " passed, " + s.getTestsFailedCount() + " failed, "
                + s.getTestsSkippedCount() + " skipped, " + s.getTestsAbortedCount() + " aborted of "
                + s.getTestsFoundCount() + " in " + (s.getTimeFinished() - s.getTimeStarted()) + " ms");
        boolean ok = s.getTotalFailureCount() == 0 && s.getTestsFoundCount() > 0 && s.getTestsSkippedCount() == 0
                && s.getTestsAbortedCount() == 0;
        System.exit(ok ? 0 : 1);
    }
}
