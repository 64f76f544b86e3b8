// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.Threads;
import dev.gradus.backend.Backend;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --backend native|java} and {@code --threads N}. */
final class BackendOptions {

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "native",
            description = "native (OpenBLAS + C++ kernels) or java (pure-Java reference). Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads of the native backend's one pool (GEMM blocks and kernels). Default: all processors.")
    Integer threads;

    /** Applies {@code --threads} and opens the chosen backend. */
    Backend open() {
        return open(backend);
    }

    /** Applies {@code --threads} and opens backend {@code name}, with a usable message when it cannot load. */
    Backend open(String name) {
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
            }
            Threads.set(threads);
        }
        return create(name);
    }

    /** {@link Backend#named}, lower-cased, with a message that says how to fall back when native code cannot load. */
    static Backend create(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!n.equals("native") && !n.equals("java")) {
            throw new IllegalArgumentException("unknown --backend '" + name + "' (known: native, java)");
        }
        try {
            return Backend.named(n);
        } catch (IllegalStateException | LinkageError e) {
            throw new IllegalArgumentException("the native backend did not load (" + e.getMessage()
                    + "); use --backend java for the pure-Java backend");
        }
    }
}
