// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code report} command: JMH JSON files + RESULT/MACHINE lines in, {@code REPORT.md} + SVG charts out.
 * Runs on its own ({@code java -cp benchmarks/target/benchmarks.jar dev.gradus.report.ReportMain ...}).
 * Exit code 0 on success, 2 when an input is missing or malformed (one line on stderr).
 */
@Command(name = "report",
        description = "Writes a Markdown benchmark report with SVG charts from JMH JSON results (-rf json), the "
                + "RESULT/MACHINE lines of dev.gradus.bench.EpochThroughput and, optionally, the RESULT lines of "
                + "torch_mlp.py, the INFER lines of torch_infer.py, the PROFILE lines of StepProfile and the FMA_PEAK lines of FmaPeak.")
public final class ReportMain implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--jmh", paramLabel = "FILE", description = "a JMH JSON result file (repeatable)")
    List<Path> jmh = new ArrayList<>();

    @Option(names = "--results", paramLabel = "FILE",
            description = "output of the epoch runner: RESULT {...} and MACHINE {...} lines (repeatable)")
    List<Path> results = new ArrayList<>();

    @Option(names = "--torch", paramLabel = "FILE", description = "RESULT {...} lines of torch_mlp.py (repeatable)")
    List<Path> torch = new ArrayList<>();

    @Option(names = "--torch-infer", paramLabel = "FILE",
            description = "INFER {...} lines of benchmarks/torch_infer.py (repeatable)")
    List<Path> torchInfer = new ArrayList<>();

    @Option(names = "--profile", paramLabel = "FILE",
            description = "PROFILE {...} lines of dev.gradus.bench.StepProfile (repeatable)")
    List<Path> profile = new ArrayList<>();

    @Option(names = "--fma-peak", paramLabel = "FILE",
            description = "FMA_PEAK {...} lines of dev.gradus.bench.FmaPeak: the yardstick of \"% of the limit\"")
    List<Path> fmaPeak = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "benchmarks/report",
            description = "where REPORT.md and the charts go (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--commit", paramLabel = "SHA", description = "git commit, when no MACHINE line gives one")
    String commit;

    @Option(names = "--command", paramLabel = "TEXT", description = "the command that measured, shown in the report")
    String command;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command with {@code args}, printing to stdout/stderr; returns the exit code. */
    public static int run(String... args) {
        return new CommandLine(new ReportMain()).execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outWriter = spec.commandLine().getOut();
        try {
            if (jmh.isEmpty() && results.isEmpty() && torch.isEmpty() && torchInfer.isEmpty() && profile.isEmpty()
                    && fmaPeak.isEmpty()) {
                throw new IllegalArgumentException("nothing to report: give at least one --jmh, --results, --torch, "
                        + "--torch-infer, --profile or --fma-peak file");
            }
            List<JmhResult> measured = new ArrayList<>();
            List<EpochResult> epochs = new ArrayList<>();
            List<String> inputs = new ArrayList<>();
            Machine machine = null;
            for (Path f : jmh) {
                measured.addAll(JmhResult.read(f));
                inputs.add(f.toString());
            }
            for (Path f : results) {
                epochs.addAll(EpochResult.read(f));
                Machine m = Machine.read(f);
                machine = m == null ? machine : m;
                inputs.add(f.toString());
            }
            for (Path f : torch) {
                epochs.addAll(EpochResult.read(f));
                inputs.add(f.toString());
            }
            List<TorchInference> inference = new ArrayList<>();
            for (Path f : torchInfer) {
                inference.addAll(TorchInference.read(f));
                inputs.add(f.toString());
            }
            List<StepProfileResult> profiles = new ArrayList<>();
            for (Path f : profile) {
                profiles.addAll(StepProfileResult.read(f));
                Machine m = Machine.read(f);
                machine = machine == null ? m : machine;
                inputs.add(f.toString());
            }
            List<FmaPeakResult> peaks = new ArrayList<>();
            for (Path f : fmaPeak) {
                peaks.addAll(FmaPeakResult.read(f));
                Machine m = Machine.read(f);
                machine = machine == null ? m : machine;
                inputs.add(f.toString());
            }
            if (machine == null) {
                machine = Machine.probe(commit);
            }
            Report report = new Report(measured, epochs, machine, profiles, peaks, inference);
            List<Path> written = new ReportWriter(report, command, inputs).write(out);
            for (Path p : written) {
                outWriter.println("wrote " + p);
            }
            outWriter.flush();
            return 0;
        } catch (IOException e) {
            err.println("report: cannot read or write " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("report: " + e.getMessage());
            return 2;
        } finally {
            err.flush();
        }
    }
}
