// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.jni.NativeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The machine and software a measurement ran on, printed by the benchmark processes as a
 * {@code MACHINE {...}} line so that the report describes the process that measured, not the one that
 * wrote the report.
 *
 * @param date          when it was probed, UTC
 * @param cpu           the CPU model (/proc/cpuinfo)
 * @param cpuFlags      the SIMD flags of the CPU that matter for the kernels (avx2, fma, avx512f, ...)
 * @param cores         processors available to the JVM
 * @param jdk           JVM name and version
 * @param os            OS name, version and architecture
 * @param openblas      OpenBLAS build configuration (version, DYNAMIC_ARCH, core type, MAX_THREADS)
 * @param blasThreads   OpenBLAS threads in force
 * @param kernelIsa     the instruction set our C++ kernels run with ("avx512", "avx2", "baseline")
 * @param kernelThreads threads of our C++ kernels, 0 if unknown
 * @param gradus        Gradus version
 * @param commit        git commit the benchmarks were built from ("unknown" outside a checkout)
 * @param loadAverage   /proc/loadavg when probed: how busy the machine was
 * @param blasCore      the OpenBLAS kernel that ran ({@code openblas_get_corename()}); null in old files
 * @param blasWarning   {@link NativeBackend#blasKernelWarning()}: why that kernel is below what the CPU supports,
 *                      "" when it is not; null in old files
 */
public record Machine(String date, String cpu, List<String> cpuFlags, int cores, String jdk, String os,
                      String openblas, int blasThreads, String kernelIsa, int kernelThreads, String gradus,
                      String commit, String loadAverage, String blasCore, String blasWarning) {

    private static final Set<String> FLAGS = Set.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq",
            "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile");

    public Machine {
        cpuFlags = List.copyOf(cpuFlags);
    }

    /** One JSON line, for {@code MACHINE {...}}. */
    public String toJson() {
        return new Gson().toJson(this);
    }

    /** Parses {@link #toJson()}'s output. */
    public static Machine fromJson(String json, String where) {
        try {
            Machine m = new Gson().fromJson(json, Machine.class);
            if (m == null || m.cpu() == null) {
                throw new IllegalArgumentException(where + ": MACHINE line has no 'cpu'");
            }
            return m;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + ": MACHINE is not a JSON object: " + e.getMessage(), e);
        }
    }

    /** The last {@code MACHINE {...}} line of a text file, or null if it has none. */
    public static Machine read(Path file) throws IOException {
        Machine last = null;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("MACHINE ")) {
                last = fromJson(line.substring("MACHINE ".length()), file + " line " + (i + 1));
            }
        }
        return last;
    }

    /**
     * Probes this process: /proc for the CPU, system properties for the JDK, the native library for
     * OpenBLAS and the kernels' instruction set (loading it). {@code commit} comes from the caller
     * (run.sh passes {@code git rev-parse --short HEAD}); null gives "unknown".
     */
    public static Machine probe(String commit) {
        String cpu = "unknown";
        List<String> flags = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name") && cpu.equals("unknown")) {
                    cpu = line.substring(line.indexOf(':') + 1).strip();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    for (String f : line.substring(line.indexOf(':') + 1).strip().split("\\s+")) {
                        if (FLAGS.contains(f)) {
                            flags.add(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            cpu = "unknown (" + e.getMessage() + ")";
        }
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        String version = dev.gradus.Tensor.class.getPackage().getImplementationVersion();
        NativeInfo n = nativeInfo();
        return new Machine(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), cpu, flags,
                Runtime.getRuntime().availableProcessors(), jdk, os, n.blasConfig(), n.blasThreads(), n.isa(),
                n.kernelThreads(),
                version == null ? "0.1.0-SNAPSHOT" : version, commit == null ? "unknown" : commit, currentLoadAverage(),
                n.blasCore(), probeBlasWarning());
    }

    /** /proc/loadavg's first three fields, or "unknown". */
    public static String currentLoadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The native facts from {@link NativeBackend#info()}; "unknown" and zeros when the natives do not load. */
    private static NativeInfo nativeInfo() {
        try {
            return NativeBackend.info();
        } catch (IllegalStateException | LinkageError e) {
            return new NativeInfo("unknown", "unknown (" + e.getMessage() + ")", "unknown", 0, 0, 0, 0, false);
        }
    }

    private static String probeBlasWarning() {
        try {
            return NativeBackend.blasKernelWarning().orElse("");
        } catch (IllegalStateException | LinkageError e) {
            return "";
        }
    }

    /** The CPU flags as one comma-separated string. */
    public String flagList() {
        return String.join(", ", cpuFlags).toLowerCase(Locale.ROOT);
    }
}
