// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code java -jar gradus.jar COMMAND}: train, evaluate, predict, export, compare, check-cases, info.
 * Exit codes: 0 done, 1 {@code check-cases} found a failing case, 2 bad input (a flag, a file, the
 * data) with one line on stderr saying what and where.
 */
@Command(name = "gradus", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Trains neural networks (multilayer perceptrons, convolutional networks) by backpropagation, natively or in pure Java.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class, CompareCommand.class,
                CheckCasesCommand.class, InfoCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Run 'gradus COMMAND --help' for a command's flags.",
                "With no flags, 'gradus train' trains a digit classifier on the built-in subset of MNIST.",
                "Exit codes: 0 done, 1 a reference case failed, 2 bad input (one line on stderr says what and where)."})
public final class Main implements Runnable {

    /** Exit code for bad input: a flag, a missing or corrupt file, data that does not fit. */
    public static final int BAD_INPUT = 2;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "More detail, and the stack trace of an error. Default: off.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call {@code commandLine().setOut(..).setErr(..).execute(args)}. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        ErrorReport report = new ErrorReport();
        cl.setExecutionExceptionHandler(report);
        cl.setParameterExceptionHandler(report);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExpandAtFiles(false);   // "--model @FILE" reads a file of layers, not picocli's file of arguments
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
