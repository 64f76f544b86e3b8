// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train and evaluate print the metrics that fit the loss: regression, binary, multiclass. */
class MetricsCliTest {
    @TempDir Path dir;

    private static double figure(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertTrue(m.find(), "no match for " + regex + " in\n" + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void regressionPrintsMseRmseMaeAndR2UnderTheTargetsName() throws IOException {
        Random r = new Random(3);
        StringBuilder sb = new StringBuilder("x1,x2,price\n");
        for (int i = 0; i < 200; i++) {
            double a = r.nextDouble();
            double b = r.nextDouble();
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f%n", a, b, 3 * a - 2 * b + 0.05 * r.nextGaussian()));
        }
        Path csv = Files.writeString(dir.resolve("reg.csv"), sb);
        Path out = dir.resolve("run");
        Cli train = Cli.run("train", "--csv", csv.toString(), "--label", "price", "--loss", "mse", "--optimizer", "adam",
                "--lr", "0.01", "--epochs", "20", "--batch", "16", "--backend", "java", "--out", out.toString());
        assertEquals(0, train.exit(), train::transcript);
        double mse = figure(train.out(), "(?m)^test mse ([0-9.e+-]+), rmse");
        double rmse = figure(train.out(), "(?m)^test mse .*, rmse ([0-9.e+-]+),");
        assertEquals(Math.sqrt(mse), rmse, 1e-3 * rmse, train::transcript);
        assertTrue(figure(train.out(), "(?m)^test mse .*, r2 ([0-9.e+-]+)") > 0.9, train::transcript);
        assertTrue(train.out().lines().anyMatch(l -> l.startsWith("price ")), "the table names the target:\n" + train.out());

        Cli eval = Cli.run("evaluate", out.resolve(RunFiles.MODEL).toString(), "--csv", csv.toString(), "--label", "price",
                "--backend", "java");
        assertEquals(0, eval.exit(), eval::transcript);
        assertTrue(eval.out().contains("target ") && eval.out().contains("r2"), eval::transcript);
        // evaluate's loss is the mse of the whole file, and the table agrees with the headline
        assertEquals(figure(eval.out(), "(?m)^mse ([0-9.e+-]+),"), figure(eval.out(), "(?m)^loss ([0-9.e+-]+) \\(mse\\)"),
                1e-4 * figure(eval.out(), "(?m)^mse ([0-9.e+-]+),"), eval::transcript);   // both to 6 digits
    }

    /** A target given by index is named by the header when there is one, else "column N". */
    @Test
    void aTargetGivenByIndexIsNamedByTheHeader() throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            rows.append(String.format(Locale.ROOT, "%d,%.2f%n", i % 7, 0.5 * (i % 7)));
        }
        Path named = Files.writeString(dir.resolve("named.csv"), "size,price\n" + rows);
        Path bare = Files.writeString(dir.resolve("bare.csv"), rows);
        for (String label : new String[] {"1", "-1"}) {
            Cli train = Cli.run("train", "--csv", named.toString(), "--label", label, "--loss", "mse", "--epochs", "1",
                    "--backend", "java");
            assertEquals(0, train.exit(), train::transcript);
            assertTrue(train.out().lines().anyMatch(l -> l.startsWith("price ")), train::transcript);
            assertTrue(!train.out().contains("column " + label), train::transcript);
        }
        Path out = dir.resolve("bare-run");
        Cli train = Cli.run("train", "--csv", bare.toString(), "--label", "1", "--loss", "mse", "--epochs", "1",
                "--backend", "java", "--out", out.toString());
        assertEquals(0, train.exit(), train::transcript);
        assertTrue(train.out().lines().anyMatch(l -> l.startsWith("column 1 ")), train::transcript);
        Cli eval = Cli.run("evaluate", out.resolve(RunFiles.MODEL).toString(), "--csv", named.toString(), "--label", "1",
                "--backend", "java");
        assertEquals(0, eval.exit(), eval::transcript);
        assertTrue(eval.out().lines().anyMatch(l -> l.startsWith("price ")), eval::transcript);
    }

    @Test
    void binaryPrintsAccuracyPrecisionRecallF1AndRocAuc() throws IOException {
        Random r = new Random(5);
        StringBuilder sb = new StringBuilder("a,b,spam\n");
        for (int i = 0; i < 200; i++) {
            int y = r.nextInt(2);
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%d%n", y * 2 + r.nextGaussian(), r.nextGaussian(), y));
        }
        Path csv = Files.writeString(dir.resolve("bin.csv"), sb);
        Cli train = Cli.run("train", "--csv", csv.toString(), "--label", "spam", "--loss", "bce_with_logits",
                "--layers", "2,8,1", "--epochs", "10", "--backend", "java");
        assertEquals(0, train.exit(), train::transcript);
        assertTrue(figure(train.out(), "(?m)^test accuracy ([0-9.]+)% \\(\\d+/\\d+\\) at threshold 0.5") > 75,
                train::transcript);
        double auc = figure(train.out(), "roc auc ([0-9.]+)");
        assertTrue(auc > 0.8 && auc <= 1, train::transcript);
        assertTrue(train.out().contains("(class 1 positive)") && train.out().contains("true\\pred"), train::transcript);
    }

    @Test
    void multiclassAddsTopKAccuracy() throws IOException {
        Cli train = Cli.run("train", "--csv", TinyData.gradesCsv(dir).toString(), "--label", "grade", "--epochs", "2",
                "--backend", "java");
        assertEquals(0, train.exit(), train::transcript);
        double top1 = figure(train.out(), "(?m)^test accuracy ([0-9.]+)%");
        double top3 = figure(train.out(), "(?m)^test top-3 accuracy ([0-9.]+)%");
        assertTrue(top3 >= top1, train::transcript);
    }
}
