// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.jni;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether the OpenBLAS kernel that runs is the best this CPU can execute. The bundled OpenBLAS is a
 * DYNAMIC_ARCH build that picks a kernel per CPU, but {@value #VARIABLE} in the environment overrides
 * that choice (some machines set {@code Haswell}, which holds an AVX-512 CPU to AVX2: half the FMA
 * rate on a CPU with full-width 512-bit units). Gradus respects the setting and says so instead.
 *
 * <p>Kernels are compared by their FP32 GEMM's vector width, the only thing Gradus runs: SkylakeX,
 * Cooperlake and SapphireRapids share the AVX-512 SGEMM (Cooperlake adds BF16 routines), so none of them
 * is "below" another. x86-64 only: on other architectures, or with a kernel name this class does not
 * know, there is no advice (never a false warning).
 */
public final class BlasKernelCheck {
    /** The environment variable that forces OpenBLAS's kernel, read once by OpenBLAS at load. */
    public static final String VARIABLE = "OPENBLAS_CORETYPE";

    /** x86-64 OpenBLAS kernel tiers, slowest first: the instruction set each needs and its kernels' names. */
    private record Tier(String isa, Set<String> flags, String best, Set<String> kernels) { }

    private static final Set<String> AVX512 = Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd");

    private static final List<Tier> TIERS = List.of(
            new Tier("SSE", Set.of(), "Nehalem", Set.of("prescott", "core2", "penryn", "dunnington", "nehalem", "atom",
                    "opteron", "barcelona", "bobcat", "katmai", "coppermine", "northwood", "banias", "athlon")),
            new Tier("AVX", Set.of("avx"), "Sandybridge", Set.of("sandybridge", "bulldozer", "piledriver",
                    "steamroller", "excavator")),
            new Tier("AVX2", Set.of("avx2", "fma"), "Haswell", Set.of("haswell", "zen", "skylake")),
            new Tier("AVX-512", AVX512, "SkylakeX", Set.of("skylakex", "cooperlake", "sapphirerapids")));

    private BlasKernelCheck() { }

    /**
     * The warning to show when {@code running} is below the best OpenBLAS kernel for a CPU with these
     * /proc/cpuinfo {@code flags}, or empty when it is not (or when either is unknown).
     *
     * @param running  {@code openblas_get_corename()}, e.g. "Haswell"
     * @param flags    the CPU's flags, lower case; empty if unknown
     * @param coretype the value of {@value #VARIABLE} in this process's environment, or null if unset
     */
    public static Optional<String> warning(String running, Set<String> flags, String coretype) {
        int have = tierOf(running);
        int can = cpuTier(flags);
        if (have < 0 || can < 0 || have >= can) {
            return Optional.empty();
        }
        Tier h = TIERS.get(have);
        Tier c = TIERS.get(can);
        String best = bestKernel(flags).orElseThrow();
        String why = coretype != null && !coretype.isBlank()
                ? VARIABLE + "=" + coretype + " in the environment forces it; unset " + VARIABLE
                        + " (or set it to " + best + ") for the faster kernel"
                : "OpenBLAS chose it; set " + VARIABLE + "=" + best + " to use the faster one";
        return Optional.of(String.format(Locale.ROOT,
                "OpenBLAS runs its %s kernel (%s), but this CPU supports %s (%s): GEMM may be slower than it could be "
                + "(half the FMA rate where the CPU has full-width AVX-512 units). %s.",
                running, h.isa(), best, c.isa(), why));
    }

    /** {@link #warning} for this process: the running kernel given, the CPU's flags and the variable read here. */
    public static Optional<String> warning(String running) {
        return warning(running, cpuFlags(), System.getenv(VARIABLE));
    }

    /**
     * The best OpenBLAS kernel for a CPU with these flags (with BF16, Cooperlake: the one OpenBLAS picks
     * there), or empty if no x86-64 tier applies.
     */
    public static Optional<String> bestKernel(Set<String> flags) {
        int t = cpuTier(flags);
        if (t < 0) {
            return Optional.empty();
        }
        boolean bf16 = TIERS.get(t).flags().equals(AVX512) && flags.contains("avx512_bf16");
        return Optional.of(bf16 ? "Cooperlake" : TIERS.get(t).best());
    }

    /** The index in {@link #TIERS} of a kernel name, or -1 if unknown. */
    static int tierOf(String kernel) {
        if (kernel == null) {
            return -1;
        }
        String k = kernel.strip().toLowerCase(Locale.ROOT);
        for (int i = 0; i < TIERS.size(); i++) {
            if (TIERS.get(i).kernels().contains(k)) {
                return i;
            }
        }
        return -1;
    }

    /** The highest tier whose flags the CPU has, or -1 for an unknown (empty, or not x86-64: no sse2) flag set. */
    static int cpuTier(Set<String> flags) {
        if (flags.isEmpty() || !flags.contains("sse2")) {
            return -1;
        }
        int best = 0;
        for (int i = 0; i < TIERS.size(); i++) {
            if (flags.containsAll(TIERS.get(i).flags())) {
                best = i;
            }
        }
        return best;
    }

    /** This CPU's flags from /proc/cpuinfo, lower case; empty where there is none (not Linux, or unreadable). */
    public static Set<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("flags")) {
                    return Set.copyOf(Arrays.asList(line.substring(line.indexOf(':') + 1).strip().toLowerCase(Locale.ROOT).split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no advice without the flags
        }
        return Set.of();
    }

}
