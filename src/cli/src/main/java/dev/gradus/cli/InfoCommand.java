// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.Threads;
import dev.gradus.backend.Backend;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.jni.NativeInfo;
import dev.gradus.io.ModelFile;
import dev.gradus.nn.Network;
import dev.gradus.nn.Shape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gradus info}: version, the backends that load, the native kernels' code path, OpenBLAS and
 * threads; {@code gradus info MODEL}: the model's layers, each with its output shape and parameter count.
 */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Shows the version, which backends load, the CPU code path of the native kernels, OpenBLAS's build and threads.",
                "With MODEL: the model's layers, each with its output shape and parameter count, and what its file records."})
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "A model.safetensors (or checkpoint) written by train, or a PyTorch state dict with --layers or "
                    + "--model and --input-shape. Default: none (the system's facts).")
    Path model;

    @Mixin ArchitectureOptions architecture;

    @Option(names = "--input-shape", paramLabel = "DIMS", split = ",", splitSynopsisLabel = ",",
            description = "With --model: the shape of one input sample, F or C,H,W (e.g. 1,28,28). Default: none.")
    int[] inputShape;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (model != null) {
            return model(o);
        }
        if (architecture.givesArchitecture() || inputShape != null) {
            throw new IllegalArgumentException("--layers, --model and --input-shape describe a MODEL: give its file too");
        }
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

    /** The model's summary (no arithmetic: the java backend holds the weights) and its file's entries. */
    private int model(PrintWriter o) throws IOException {
        Shape input = architecture.inputShape(inputShape);
        try (ModelFile.Loaded loaded = architecture.load(model, Backend.named("java"), input, "--input-shape")) {
            Network network = loaded.network();
            o.printf(Locale.ROOT, "model %s: %s%n", model, TrainCommand.describe(network));
            o.print(network.summary());
            for (String key : List.of(RunFiles.KEY_DATA, RunFiles.KEY_CLASSES, RunFiles.KEY_EPOCHS, RunFiles.KEY_BATCH)) {
                String v = loaded.info().get(key);
                if (v != null) {
                    o.println(key + ": " + v);
                }
            }
            o.flush();
            return 0;
        }
    }
}
