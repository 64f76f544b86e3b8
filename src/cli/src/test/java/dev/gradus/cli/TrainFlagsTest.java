// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** train's flags for what the API has: validation split, early stopping, schedules, clipping, dropout, optimizers. */
class TrainFlagsTest {
    @TempDir Path dir;

    private static List<String> column(Path run, int c) throws IOException {
        return Files.readAllLines(run.resolve(RunFiles.HISTORY_CSV)).stream().skip(1).map(l -> l.split(",", -1)[c]).toList();
    }

    @Test
    void valSplitValidatesEachEpochAndTheTestSetIsUsedOnceAtTheEnd() throws IOException {
        Path csv = TinyData.gradesCsv(dir);   // 400 rows: 320 train, 80 test
        Path out = dir.resolve("val");
        Cli r = Cli.run("train", "--csv", csv.toString(), "--label", "grade", "--val-split", "0.25", "--epochs", "3",
                "--backend", "java", "--out", out.toString());
        assertEquals(0, r.exit(), r::transcript);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("training on (\\d+) samples .*validating on (\\d+) after "
                + "each epoch").matcher(r.out());
        assertTrue(m.find(), r::transcript);
        int train = Integer.parseInt(m.group(1));
        int val = Integer.parseInt(m.group(2));
        assertEquals(320, train + val, "the validation comes out of the 320 training rows");
        assertTrue(Math.abs(val - 80) <= 2, "a quarter of each class, rounded: " + val);
        assertTrue(r.out().lines().filter(l -> l.startsWith("epoch ")).allMatch(l -> l.contains("val loss")), r::transcript);
        assertTrue(r.out().contains("test accuracy") && r.out().contains("(") && r.out().contains("/80)"), r::transcript);
        assertTrue(column(out, 4).stream().noneMatch(String::isEmpty), "val_loss filled");

        Path plain = dir.resolve("plain");
        Cli p = Cli.run("train", "--csv", csv.toString(), "--label", "grade", "--epochs", "2", "--backend", "java",
                "--out", plain.toString());
        assertEquals(0, p.exit(), p::transcript);
        assertTrue(column(plain, 4).stream().allMatch(String::isEmpty), "no val_ figures without --val-split: the test set is not one");
        assertTrue(p.out().lines().filter(l -> l.startsWith("epoch ")).noneMatch(l -> l.contains("val loss") || l.contains("test")),
                p::transcript);
    }

    @Test
    void scheduleSetsTheRatePerEpochAndEarlyStoppingStops() throws IOException {
        Path csv = TinyData.blobsCsv(dir);
        Path out = dir.resolve("step");
        Cli r = Cli.run("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "3",
                "--schedule", "step:1:0.5", "--backend", "java", "--out", out.toString());
        assertEquals(0, r.exit(), r::transcript);
        assertEquals(List.of("0.10000000149011612", "0.05000000074505806", "0.02500000037252903"), column(out, 8));

        Path warm = dir.resolve("warm");
        r = Cli.run("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "3",
                "--warmup", "2", "--schedule", "exponential:0.5", "--lr", "0.3", "--backend", "java", "--out", warm.toString());
        assertEquals(0, r.exit(), r::transcript);
        assertEquals(List.of(0.1f, 0.2f, 0.3f), column(warm, 8).stream().map(Float::parseFloat).toList(), "LinearLR(1/3) then gamma^0");

        // a rate so high the validation loss cannot keep falling: early stopping ends the run before 60 epochs
        Path es = dir.resolve("es");
        r = Cli.run("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "60",
                "--val-split", "0.3", "--early-stopping", "2", "--clip-norm", "1", "--backend", "java", "--out", es.toString());
        assertEquals(0, r.exit(), r::transcript);
        assertTrue(column(es, 0).size() < 60, "stopped early after " + column(es, 0).size() + " epochs");
    }

    @Test
    void earlyStoppingWatchesTheChosenMetricAndKeepsItsBestEpoch() throws IOException {
        Path csv = TinyData.blobsCsv(dir);
        Path out = dir.resolve("acc");
        Cli r = Cli.run("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "60",
                "--val-split", "0.3", "--early-stopping", "2", "--early-stopping-metric", "val_accuracy", "--backend", "java",
                "--out", out.toString());
        assertEquals(0, r.exit(), r::transcript);
        List<Double> acc = column(out, 5).stream().map(Double::parseDouble).toList();
        int best = acc.indexOf(acc.stream().max(Double::compare).orElseThrow());
        assertEquals(best + 3, acc.size(), "2 epochs without a higher val_accuracy than epoch " + (best + 1) + " stop: " + acc);
        assertTrue(dev.gradus.io.SafetensorsFile.read(out.resolve(RunFiles.CHECKPOINT)).metadata().get("fit")
                .contains("early_stopping_metric=val_accuracy"), "a resumed run watches the same metric");

        Cli changed = Cli.run("train", "--csv", csv.toString(), "--label", "species", "--resume",
                out.resolve(RunFiles.CHECKPOINT).toString(), "--early-stopping-metric", "val_loss", "--backend", "java");
        assertEquals(2, changed.exit(), changed::transcript);
        assertTrue(changed.err().contains("--early-stopping-metric cannot be changed when resuming"), changed::transcript);

        String help = Cli.run("train", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--early-stopping-metric=NAME") && help.contains("Default: val_loss."), help);
    }

    @Test
    void dropLastSkipsThePartialBatchAndSaysSo() throws IOException {
        Path csv = TinyData.gradesCsv(dir);   // 400 rows: 320 train
        Cli r = Cli.run("train", "--csv", csv.toString(), "--label", "grade", "--batch", "100", "--drop-last", "--epochs",
                "1", "--backend", "java", "--out", dir.resolve("drop").toString());
        assertEquals(0, r.exit(), r::transcript);
        assertTrue(r.out().contains("training on 320 samples (3 batches of 100 per epoch, 20 dropped)"), r::transcript);
        assertTrue(dev.gradus.io.SafetensorsFile.read(dir.resolve("drop").resolve(RunFiles.CHECKPOINT)).metadata().get("fit").contains("drop_last=true"), "a resumed run drops it too");
        Cli all = Cli.run("train", "--csv", csv.toString(), "--label", "grade", "--batch", "100", "--epochs", "1",
                "--backend", "java", "--out", dir.resolve("all").toString());
        assertTrue(all.out().contains("training on 320 samples (4 batches of 100 per epoch)"), all::transcript);
    }

    @Test
    void badFlagsAreClearErrors() {
        String[][] cases = {
                {"--beta1", "0.8", "--beta1 applies to adam, adamw, not sgd"},
                {"--nesterov", "--optimizer", "adam", "--nesterov applies to sgd, not adam"},
                {"--schedule", "linear", "unknown --schedule 'linear'"},
                {"--schedule", "step:x", "--schedule 'step:x'"},
                {"--clip-norm", "1", "--clip-value", "1", "give --clip-norm or --clip-value, not both"},
                {"--clip-value", "-1", "--clip-value must be a finite number > 0"},
                {"--val-split", "1", "--val-split must be in [0, 1)"},
                {"--dropout", "1", "--dropout must be in [0, 1)"},
                {"--early-stopping", "-1", "--early-stopping must be >= 0"},
                {"--early-stopping", "2", "--early-stopping-metric", "val_accuracy", "--loss", "mse",
                        "--early-stopping-metric: early-stopping metric val_accuracy needs class labels, but loss mse has "
                        + "none (valid for mse: val_loss, train_loss)"},
                {"--early-stopping-metric", "f1", "--early-stopping-metric: unknown early-stopping metric 'f1' "
                        + "(known: val_loss, val_accuracy, train_loss, train_accuracy)"},
                {"--weight-decay", "-1", "--optimizer sgd:"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("train", "--epochs", "1", "--backend", "java"));
            args.addAll(List.of(c).subList(0, c.length - 1));
            Cli r = Cli.run(args.toArray(new String[0]));
            assertEquals(2, r.exit(), r::transcript);
            assertTrue(r.err().contains(c[c.length - 1]), r::transcript);
        }
    }

    /** --help shows every default: each flag's description says what it is, off, or none. */
    @Test
    void everyFlagStatesItsDefault() {
        CommandLine cl = Main.commandLine();
        for (CommandLine sub : cl.getSubcommands().values()) {
            for (OptionSpec o : sub.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp() || o.required()) {   // a required option has no default
                    continue;
                }
                String text = String.join(" ", o.description());
                assertTrue(text.contains("Default"), sub.getCommandName() + " " + o.longestName() + ": " + text);
            }
        }
    }

    @Test
    void divergenceRecommendsFlagsThatExist() throws IOException {
        Cli r = Cli.run("train", "--csv", TinyData.blobsCsv(dir).toString(), "--label", "species", "--layers", "4,8,3",
                "--lr", "1e30", "--epochs", "3", "--backend", "java");
        assertEquals(2, r.exit(), r::transcript);
        assertTrue(r.err().contains("training diverged") && r.err().contains("Try a lower --lr, or --clip-norm (e.g. --clip-norm 1)."),
                r::transcript);
        CommandLine train = Main.commandLine().getSubcommands().get("train");
        for (String flag : new String[] {"--lr", "--clip-norm"}) {
            assertTrue(train.getCommandSpec().findOption(flag) != null, flag + " exists");
        }
    }
}
