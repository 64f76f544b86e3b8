// SPDX-License-Identifier: Apache-2.0
package dev.gradus.suites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The jar ships OpenBLAS's DYNAMIC_ARCH build, so users' CPUs run different GEMM kernels, and each
 * rounds differently. This test re-runs every suite tagged "blas" — the library's (kernel equivalence,
 * determinism across thread counts and runs, MNIST accuracy, resume) and this module's (the PyTorch
 * reference cases) — once per OpenBLAS kernel this CPU can execute, each in a JVM of its own started
 * with {@code OPENBLAS_CORETYPE} set (OpenBLAS reads it once, at load). The main test run keeps the
 * environment's own setting. A kernel the CPU cannot run is not forced: OpenBLAS would obey and die
 * of an illegal instruction. It lives here, in the last module that has tests, so that both modules'
 * test classes exist when it runs.
 */
class BlasKernelMatrixTest {

    /** OpenBLAS kernel names and the /proc/cpuinfo flags each needs. */
    private static final Map<String, Set<String>> KERNELS = new java.util.LinkedHashMap<>();
    static {
        KERNELS.put("Sandybridge", Set.of("avx"));
        KERNELS.put("Haswell", Set.of("avx2", "fma"));
        KERNELS.put("Zen", Set.of("avx2", "fma"));
        KERNELS.put("SkylakeX", Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"));
        KERNELS.put("Cooperlake", Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd", "avx512_bf16"));
    }

    @TestFactory
    Stream<DynamicTest> blasSuitesPassOnEveryKernelThisCpuRuns() throws IOException {
        Set<String> flags = cpuFlags();
        List<String> runnable = new ArrayList<>();
        for (Map.Entry<String, Set<String>> k : KERNELS.entrySet()) {
            if (flags.containsAll(k.getValue())) {
                runnable.add(k.getKey());
            }
        }
        System.out.println("[diag] OpenBLAS kernels this CPU runs, each tested in its own JVM: " + runnable);
        assertTrue(runnable.contains("Haswell"), "every CPU of this kind runs AVX2; flags: " + flags);
        if (flags.contains("avx512f")) {
            assertTrue(runnable.contains("SkylakeX"), "an AVX-512 CPU must run the SkylakeX kernel");
        }
        return runnable.stream().map(k -> DynamicTest.dynamicTest("OPENBLAS_CORETYPE=" + k, () -> runSuites(k)));
    }

    private static void runSuites(String kernel) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path own = Path.of(BlasSuites.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String library = System.getProperty("gradus.library.testClasses");
        assertTrue(library != null && Files.isDirectory(Path.of(library)),
                "the library's test classes must be built first (gradus.library.testClasses = " + library + ")");
        Path log = Files.createTempFile("gradus-blas-" + kernel + "-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g", "-cp",
                classPath + java.io.File.pathSeparator + library));
        for (String p : new String[] {"gradus.shared"}) {
            if (System.getProperty(p) != null) {
                command.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        command.addAll(List.of(BlasSuites.class.getName(), own.toString(), library));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPENBLAS_CORETYPE", kernel);
        Process p = pb.start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        String summary = out.lines().filter(l -> l.startsWith("[suites]")).reduce((a, b) -> b).orElse("(no summary)");
        System.out.println("[diag] OPENBLAS_CORETYPE=" + kernel + ": " + summary);
        assertTrue(finished, "the blas suites under " + kernel + " did not finish in 10 minutes");
        assertEquals(0, p.exitValue(), "the blas suites failed under OPENBLAS_CORETYPE=" + kernel + ":\n" + tail(out, 60));
    }

    private static Set<String> cpuFlags() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("flags")) {
                return Set.of(line.substring(line.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT).split("\\s+"));
            }
        }
        throw new IOException("/proc/cpuinfo has no flags line");
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
