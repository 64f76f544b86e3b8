// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.Threads;
import dev.gradus.backend.Backend;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.jni.NativeInfo;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gradus info}: version, the backends that load, the native kernels' code path, OpenBLAS and threads. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows the version, which backends load, the CPU code path of the native kernels, OpenBLAS's build and threads.")
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        o.println("gradus " + Version.text());
        o.printf(Locale.ROOT, "java: %s (%s), %s %s%n", System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.arch"));
        o.printf(Locale.ROOT, "processors: %d, thread budget: %d (--threads or -D%s)%n",
                Runtime.getRuntime().availableProcessors(), Threads.get(), Threads.PROPERTY);
        for (String name : new String[] {"java", "native"}) {
            try {
                Backend b = BackendOptions.create(name);
                o.printf(Locale.ROOT, "backend %-6s loads (%s)%n", name, b.getClass().getName());
            } catch (RuntimeException | LinkageError e) {
                o.printf(Locale.ROOT, "backend %-6s does not load: %s%n", name, ErrorReport.describe(e));
            }
        }
        if (NativeBackend.isLoaded()) {
            NativeInfo info = NativeBackend.info();
            o.println("native kernels: " + info.isa() + " code path, one pool of " + info.kernelThreads()
                    + " thread(s): GEMM split from " + info.gemmSplitFlops() + " flops, elementwise from "
                    + info.parallelThreshold() + " elements");
            o.println("subnormal floats: " + (info.flushDenormals() ? "flushed to zero in native kernels"
                    : "kept (IEEE)") + " (-D" + NativeBackend.DENORMALS_PROPERTY + "=flush|keep)");
            o.println("OpenBLAS: " + info.blasConfig() + ", kernel " + info.blasCore() + ", " + info.blasThreads()
                    + " thread(s) inside each GEMM block");
            NativeBackend.blasKernelWarning().ifPresent(w -> o.println("warning: " + w));
        }
        o.flush();
        return 0;
    }
}
