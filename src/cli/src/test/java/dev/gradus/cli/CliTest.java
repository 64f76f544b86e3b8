// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.data.CsvDataset;
import dev.gradus.data.Standardization;
import dev.gradus.io.SafetensorsFile;
import dev.gradus.io.StoredTensor;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.train.Position;
import dev.gradus.train.TrainConfig;
import dev.gradus.train.Trainer;
import dev.gradus.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line end to end, in-process: train, save, load, evaluate, predict, resume, check-cases. */
class CliTest {
    @TempDir Path dir;

    private Cli ok(String... args) {
        Cli r = Cli.run(args);
        assertEquals(0, r.exit(), r::transcript);
        assertEquals("", r.err(), r::transcript);
        return r;
    }

    @Test
    void trainSavesAModelThatEvaluateAndPredictLoad() throws IOException {
        Path csv = TinyData.blobsCsv(dir);
        Path out = dir.resolve("run");
        Cli train = ok("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "5",
                "--batch", "8", "--lr", "0.05", "--backend", "java", "--out", out.toString());
        assertTrue(train.out().contains("test accuracy"), train::transcript);
        assertTrue(train.out().contains("confusion matrix"), train::transcript);
        assertTrue(train.out().contains("samples/s"), train::transcript);
        assertTrue(train.out().lines().anyMatch(l -> l.startsWith("summary: 5 epochs")), train::transcript);
        assertEquals(5, train.out().lines().filter(l -> l.startsWith("epoch ")).count(), "one plain line per epoch off a terminal");
        assertTrue(!train.out().contains("\r"), "no carriage returns off a terminal");
        for (String f : List.of(RunFiles.MODEL, RunFiles.CHECKPOINT, RunFiles.HISTORY_CSV, RunFiles.HISTORY_JSON, RunFiles.CHART)) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertEquals(6, Files.readAllLines(out.resolve(RunFiles.HISTORY_CSV)).size(), "header + 5 epochs");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(5, files.count(), "no temporary file is left");
        }

        Path model = out.resolve(RunFiles.MODEL);
        Cli eval = ok("evaluate", model.toString(), "--csv", csv.toString(), "--label", "species", "--backend", "java");
        assertTrue(eval.out().contains("accuracy"), eval::transcript);
        assertTrue(eval.out().contains("precision"), eval::transcript);
        assertTrue(eval.out().contains("versicolor"), "class names come from the data and the model: " + eval.out());

        Cli predict = ok("predict", model.toString(), csv.toString(), "--label", "species", "--backend", "java");
        List<String> lines = predict.out().lines().toList();
        assertEquals("row,class,confidence", lines.get(0));
        assertEquals(91, lines.size(), "header + 90 rows");
        assertTrue(lines.get(1).matches("0,(setosa|versicolor|virginica),0\\.\\d{6}"), lines.get(1));

        Path predictions = dir.resolve("pred.csv");
        ok("predict", model.toString(), csv.toString(), "--label", "species", "--backend", "java", "--output", predictions.toString());
        assertEquals(predict.out(), Files.readString(predictions));
    }

    /** --log-every N prints the tutorial's "Iteration: i Loss: x" line every N steps. */
    @Test
    void logEveryPrintsTheTutorialsIterationLines() throws IOException {
        Path csv = TinyData.blobsCsv(dir);
        Cli train = ok("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "2",
                "--batch", "8", "--backend", "java", "--log-every", "5");
        List<String> lines = train.out().lines().filter(l -> l.startsWith("Iteration: ")).toList();
        assertTrue(lines.size() >= 2, train::transcript);
        assertTrue(lines.get(0).matches("Iteration: 0 Loss: [0-9.]+(E-?[0-9]+)?"), lines.get(0));
        assertTrue(lines.get(1).startsWith("Iteration: 5 Loss: "), lines.get(1));
    }

    @Test
    void trainOnMnistStyleIdxFilesAndPredictFromAnIdxFile() throws IOException {
        Path mnist = TinyData.mnistDir(dir.resolve("mnist"), 50, -1);
        Path out = dir.resolve("run");
        ok("train", "--data", mnist.toString(), "--layers", "784,16,10", "--epochs", "2", "--batch", "10",
                "--backend", "java", "--out", out.toString());
        Cli p = ok("predict", out.resolve(RunFiles.MODEL).toString(), mnist.resolve("t10k-images-idx3-ubyte.gz").toString(),
                "--backend", "java");
        assertEquals(51, p.out().lines().count());
        Cli e = ok("evaluate", out.resolve(RunFiles.MODEL).toString(), "--data", mnist.toString(), "--backend", "java");
        assertTrue(e.out().contains("accuracy"), e::transcript);
    }

    /**
     * Train 4 epochs at once, or 2 then resume to 4: the same parameters, bit for bit, and the same history,
     * with dropout, weight decay, a validation split, a schedule with warm-up, clipping, early stopping and
     * the last partial batch dropped.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "native"})
    void resumedRunEqualsAnUninterruptedOne(String backend) throws IOException {
        Path csv = TinyData.blobsCsv(dir);
        String[] common = {"--csv", csv.toString(), "--label", "species", "--backend", backend};
        String[] net = {"--layers", "4,8,3", "--batch", "7", "--optimizer", "adam", "--lr", "0.01", "--seed", "5",
                "--dropout", "0.1", "--weight-decay", "0.001", "--val-split", "0.2", "--schedule", "cosine", "--warmup", "1",
                "--clip-norm", "1", "--early-stopping", "10", "--drop-last"};   // the resumed run takes them all from the checkpoint
        Path whole = dir.resolve("whole");
        Path half = dir.resolve("half");
        Path resumed = dir.resolve("resumed");
        ok(concat(common, net, "--epochs", "4", "--out", whole.toString()));
        ok(concat(common, net, "--epochs", "2", "--out", half.toString()));
        Cli r = ok(concat(common, new String[0], "--epochs", "4", "--resume", half.resolve(RunFiles.CHECKPOINT).toString(),
                "--out", resumed.toString()));
        assertTrue(r.out().contains("at epoch 3/4, batch 0"), r::transcript);

        SafetensorsFile a = SafetensorsFile.read(whole.resolve(RunFiles.MODEL));
        SafetensorsFile b = SafetensorsFile.read(resumed.resolve(RunFiles.MODEL));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (StoredTensor t : a.tensors().values()) {
            assertArrayEquals(t.data(), b.tensor(t.name()).data(), t.name() + " bit-identical");
        }
        SafetensorsFile ca = SafetensorsFile.read(whole.resolve(RunFiles.CHECKPOINT));
        SafetensorsFile cb = SafetensorsFile.read(resumed.resolve(RunFiles.CHECKPOINT));
        for (String name : List.of("optimizer.exp_avg", "optimizer.exp_avg_sq")) {
            assertArrayEquals(ca.tensor(name).data(), cb.tensor(name).data(), name + " bit-identical");
        }
        assertEquals(column(whole, 2), column(resumed, 2), "train loss per epoch");
        assertEquals(column(whole, 4), column(resumed, 4), "validation loss per epoch");
        assertTrue(!column(whole, 4).get(1).isEmpty(), "validated");
        assertEquals(column(whole, 8), column(resumed, 8), "the schedule's rate per epoch");
    }

    /**
     * A run stopped in the middle of an epoch (as Ctrl-C does: {@link Trainer#requestStop()}, then the
     * checkpoint {@code train} writes) and resumed with {@code --resume} ends bit-identical to the
     * uninterrupted run.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "native"})
    void runStoppedMidEpochResumesExactly(String backend) throws IOException {
        Path csv = TinyData.blobsCsv(dir);
        Path whole = dir.resolve("whole");
        ok("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--batch", "7", "--epochs", "2",
                "--backend", backend, "--out", whole.toString());

        TrainCommand flags = new TrainCommand();   // the same flags, parsed as train parses them
        new picocli.CommandLine(flags).parseArgs("--csv", csv.toString(), "--label", "species", "--layers", "4,8,3",
                "--batch", "7", "--epochs", "2");
        DataOptions data = flags.data;
        RunFiles files = new RunFiles(dir.resolve("stopped"));
        try (DataOptions.Data d = data.trainAndTest(CsvDataset.Task.CLASSIFICATION, flags.training.seed,
                flags.training.standardize, 0);
             Network net = Network.mlp(BackendOptions.create(backend), new int[] {4, 8, 3}, flags.training.activation(),
                     flags.training.loss(), flags.training.seed);
             Optimizer opt = flags.training.optimizer().create(net)) {
            Trainer t = new Trainer(net, opt, TrainConfig.of(2, 7, 1));
            t.addListener(new TrainingListener() {
                @Override
                public void onStep(int epoch, int iteration, long step, float loss, int samples) {
                    if (epoch == 1 && iteration == 4) {
                        t.requestStop();
                    }
                }
            });
            t.fit(d.train(), d.validation());
            assertEquals(new Position(1, 5, t.position().step()), t.position(), "stopped after batch 5 of epoch 2");
            files.checkpoint(net, opt, t.position(), 1, t.history(), Map.of(RunFiles.KEY_DATA_ID, data.identity(),
                    RunFiles.KEY_BATCH, "7", Standardization.METADATA_KEY, d.standardization().toJson()), t.epochProgress());
        }
        Path resumed = dir.resolve("resumed");
        Cli r = ok("train", "--csv", csv.toString(), "--label", "species", "--epochs", "2", "--backend", backend,
                "--resume", files.dir().resolve(RunFiles.CHECKPOINT).toString(), "--out", resumed.toString());
        assertTrue(r.out().contains("at epoch 2/2, batch 5"), r::transcript);
        SafetensorsFile a = SafetensorsFile.read(whole.resolve(RunFiles.MODEL));
        SafetensorsFile b = SafetensorsFile.read(resumed.resolve(RunFiles.MODEL));
        for (StoredTensor t : a.tensors().values()) {
            assertArrayEquals(t.data(), b.tensor(t.name()).data(), t.name() + " bit-identical");
        }
        // the resumed epoch reports its figures over all its batches, as the uninterrupted run does
        assertEquals(column(whole, 2), column(resumed, 2), "train loss per epoch");
        assertEquals(column(whole, 3), column(resumed, 3), "train accuracy per epoch");
    }

    private static List<String> column(Path run, int c) throws IOException {
        return Files.readAllLines(run.resolve(RunFiles.HISTORY_CSV)).stream().map(l -> l.split(",", -1)[c]).toList();
    }

    private static String[] concat(String[] a, String[] b, String... c) {
        return Stream.of(new String[] {"train"}, a, b, c).flatMap(Stream::of).toArray(String[]::new);
    }

    @Test
    void checkCasesCountsPassesAndFailuresAndExitsOneOnFailure() throws IOException {
        Path cases = Files.createDirectories(dir.resolve("cases"));
        Path shared = Path.of(System.getProperty("gradus.shared", "../shared"), "cases", "seed_worked_example.json");
        assertTrue(Files.isRegularFile(shared), "reference case expected at " + shared.toAbsolutePath());
        String good = Files.readString(shared);
        Files.writeString(cases.resolve("a_good.json"), good);
        Files.writeString(cases.resolve("b_bad.json"), good.replaceFirst("\"name\"\\s*:\\s*\"[^\"]*\"", "\"name\": \"broken\"")
                .replaceFirst("(\"output\"\\s*:\\s*\\{[^}]*\"data\"\\s*:\\s*\\[)\\s*[-0-9.eE+]+", "$1 12345.0"));
        Cli r = Cli.run("check-cases", cases.toString(), "--backend", "java");
        assertEquals(1, r.exit(), r::transcript);
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r::transcript);
        assertTrue(lines.get(0).startsWith("PASS"), r::transcript);
        assertTrue(lines.get(1).startsWith("FAIL"), r::transcript);
        assertEquals("1 passed, 1 failed", lines.get(2));

        Files.delete(cases.resolve("b_bad.json"));
        Cli all = Cli.run("check-cases", cases.toString(), "--backend", "java");
        assertEquals(0, all.exit(), all::transcript);
        assertTrue(all.out().endsWith("1 passed, 0 failed\n") || all.out().endsWith("1 passed, 0 failed" + System.lineSeparator()));
    }

    @Test
    void compareTrainsBothBackendsInLockstepAndReportsDifferencesAndSpeed() throws IOException {
        Path csv = TinyData.blobsCsv(dir);
        Cli r = ok("compare", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "2", "--batch", "8");
        List<String> epochs = r.out().lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(2, epochs.size(), r::transcript);
        for (String l : epochs) {
            assertTrue(l.matches(".*loss java \\d\\.\\d+ native \\d\\.\\d+  max \\|Δloss\\| \\S+  max \\|Δparam\\| \\S+  .*native/java \\d+\\.\\dx"), l);
        }
        assertTrue(r.out().contains("test accuracy: java"), r::transcript);
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "evaluate", "predict", "export", "compare", "check-cases", "info"})
    void everyCommandHasHelp(String command) {
        Cli r = Cli.run(command, "--help");
        assertEquals(0, r.exit(), r::transcript);
        assertTrue(r.out().startsWith("Usage: gradus " + command), r::transcript);
    }

    @Test
    void infoNamesVersionBackendsAndThreads() {
        Cli r = ok("info");
        assertTrue(r.out().startsWith("gradus "), r::transcript);
        assertTrue(r.out().contains("backend java   loads"), r::transcript);
        assertTrue(r.out().contains("backend native loads"), "CI must load the native backend: " + r.transcript());
        assertTrue(r.out().contains("code path"), r::transcript);
        assertTrue(r.out().contains("OpenBLAS"), r::transcript);
        assertTrue(r.out().contains("thread budget"), r::transcript);
    }

    @Test
    void infoNamesTheOpenBlasKernelAndWarnsWhenTheCpuSupportsABetterOne() {
        Cli r = ok("info");
        String core = dev.gradus.backend.jni.NativeBackend.info().blasCore();
        assertTrue(r.out().contains("kernel " + core), r::transcript);
        java.util.Optional<String> expected = dev.gradus.backend.jni.BlasKernelCheck.warning(core);
        assertEquals(expected.isPresent(), r.out().contains("warning: OpenBLAS runs its"), r::transcript);
        expected.ifPresent(w -> assertTrue(r.out().contains(w) && w.contains("OPENBLAS_CORETYPE"), r::transcript));
    }
}
