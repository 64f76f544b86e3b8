// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command line in a JVM of its own, for what one test JVM cannot show: system properties read once
 * at class initialization, and signals. Its output goes to files, so that a test can watch it while it runs.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** {@code java [jvmArgs] dev.gradus.cli.Main args}, on the test class path; stdout and stderr to files in {@code dir}. */
    static Process start(Path dir, List<String> jvmArgs, String... args) throws IOException {
        return start(dir, Main.class, jvmArgs, args);
    }

    /** The same with another main class of the test class path. */
    static Process start(Path dir, Class<?> main, List<String> jvmArgs, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))));
        command.addAll(jvmArgs);
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile()).start();
    }

    /** Runs to the end (at most two minutes) and returns what it printed. */
    static Cli run(Path dir, List<String> jvmArgs, String... args) throws IOException, InterruptedException {
        Process p = start(dir, jvmArgs, args);
        return finish(dir, p);
    }

    /** Waits for {@code p} (at most two minutes, then kills it) and returns its exit code and output. */
    static Cli finish(Path dir, Process p) throws IOException, InterruptedException {
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the child JVM did not finish in two minutes:\n" + stdout(dir) + "\n" + stderr(dir));
        }
        return new Cli(p.exitValue(), stdout(dir), stderr(dir));
    }

    static String stdout(Path dir) throws IOException {
        return Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8);
    }

    static String stderr(Path dir) throws IOException {
        return Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
    }
}
