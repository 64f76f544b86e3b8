// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns every error into one line on stderr, {@code gradus COMMAND: error: WHAT}, and exit code 2;
 * the stack trace follows only with {@code --verbose}. Bad flags get the same treatment as bad files.
 */
final class ErrorReport implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        report(cl, describe(ex), verbose(parseResult) ? ex : null);
        return Main.BAD_INPUT;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        boolean verbose = false;
        for (String a : args) {
            verbose |= a.equals("--verbose");
        }
        report(cl, ex.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')", verbose ? ex : null);
        return Main.BAD_INPUT;
    }

    private static void report(CommandLine cl, String message, Throwable trace) {
        var err = cl.getErr();
        err.println(cl.getCommandSpec().qualifiedName() + ": error: " + oneLine(message));
        if (trace != null) {
            trace.printStackTrace(err);
        }
        err.flush();
    }

    /** What went wrong, in words a user can act on; the file is named wherever there is one. */
    static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        if (ex instanceof NoSuchFileException e) {
            return "file not found: " + e.getFile() + (e.getReason() != null && !e.getReason().equals("file not found")
                    ? " (" + e.getReason() + ")" : "");
        }
        if (ex instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (ex instanceof NotDirectoryException e) {
            return "not a directory: " + e.getFile();
        }
        if (ex instanceof FileAlreadyExistsException e) {
            return "already exists and is not a directory: " + e.getFile();
        }
        if (ex instanceof java.util.zip.ZipException || ex instanceof java.io.EOFException) {
            return "corrupt or truncated file: " + ex.getMessage();
        }
        if (ex instanceof dev.gradus.train.TrainingDivergedException d) {
            return d.getMessage().replace(dev.gradus.train.TrainingDivergedException.ADVICE,
                    "Try a lower --lr, or --clip-norm (e.g. --clip-norm 1).");
        }
        if (ex instanceof IOException || ex instanceof IllegalArgumentException || ex instanceof ArithmeticException) {
            return ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
        }
        return "internal error: " + ex + " (rerun with --verbose for the stack trace)";
    }

    private static boolean verbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
