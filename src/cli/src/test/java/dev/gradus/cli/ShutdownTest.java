// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8: SIGTERM during the final writes of {@code train --out} never wrote {@code training.png} and
 * exited 143 silently (ImageIO registers a shutdown hook, which throws during a shutdown); a kill -9
 * during the final writes left a run that {@code --resume} refused to finish ("has finished N epochs
 * already"), and the temporary files a kill leaves were never removed. Each run is a child JVM, signalled
 * at a point it announces: a file that appears.
 */
class ShutdownTest {
    @TempDir Path dir;

    /** Writes a chart from a shutdown hook, as {@code train} does when a SIGTERM arrives after its last step. */
    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                TrainingChart.write(Path.of(args[0]), "during a shutdown",
                        List.of(new TrainingChart.Series("train loss", new double[] {0.9, 0.5, 0.3})), List.of());
                System.out.println("written");
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
    }

    @Test
    void theChartCanBeWrittenWhileTheJvmShutsDown() throws Exception {
        Path png = dir.resolve("chart.png");
        Cli r = ChildJvm.finish(dir, ChildJvm.start(dir, ShutdownTest.class, List.of("-Djava.awt.headless=true"), png.toString()));
        assertEquals("written", r.out().strip(), r::transcript);
        assertEquals("", r.err(), r::transcript);
        assertEquals(900, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void sigtermDuringTheFinalWritesStillWritesEveryFile() throws Exception {
        Path csv = TinyData.blobsCsv(dir);
        Path out = dir.resolve("run");
        Process p = ChildJvm.start(dir, List.of(), "train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3",
                "--epochs", "2", "--backend", "java", "--out", out.toString());
        awaitFile(p, out.resolve(RunFiles.MODEL));   // the first of the final files: history and chart follow
        p.destroy();                                 // SIGTERM
        Cli r = ChildJvm.finish(dir, p);
        assertTrue(r.exit() == 143 || r.exit() == 0, r::transcript);
        assertEquals("", r.err(), r::transcript);
        assertTrue(r.out().contains("wrote " + out.resolve(RunFiles.MODEL)), r::transcript);
        assertEquals(List.of(RunFiles.CHECKPOINT, RunFiles.HISTORY_CSV, RunFiles.HISTORY_JSON, RunFiles.MODEL, RunFiles.CHART),
                names(out), r::transcript);
        assertEquals(900, ImageIO.read(out.resolve(RunFiles.CHART).toFile()).getWidth());
        assertEquals(3, Files.readAllLines(out.resolve(RunFiles.HISTORY_CSV)).size(), "header + 2 epochs");
    }

    @Test
    void aRunKilledDuringItsFinalWritesIsFinishedByResume() throws Exception {
        Path csv = TinyData.blobsCsv(dir);
        String[] data = {"--csv", csv.toString(), "--label", "species", "--backend", "java"};
        String[] flags = concat(data, new String[] {"--layers", "4,8,3", "--epochs", "2"});
        Path whole = dir.resolve("whole");
        Cli w = Cli.run(concat(new String[] {"train", "--out", whole.toString()}, flags));
        assertEquals(0, w.exit(), w::transcript);

        Path out = dir.resolve("run");
        Process p = ChildJvm.start(dir, List.of(), concat(new String[] {"train", "--out", out.toString()}, flags));
        awaitFile(p, out.resolve(RunFiles.MODEL));
        p.destroyForcibly().waitFor();   // kill -9 among the final writes
        Files.deleteIfExists(out.resolve(RunFiles.MODEL));   // as if it had died writing the model
        Path stale = Files.writeString(out.resolve(".model.safetensors.7.tmp"), "half a model");
        Cli r = Cli.run(concat(new String[] {"train", "--resume", out.resolve(RunFiles.CHECKPOINT).toString(),
                "--out", out.toString()}, data));
        assertEquals(0, r.exit(), r::transcript);
        assertTrue(r.out().contains("has finished all 2 epochs: nothing left to train"), r::transcript);
        assertTrue(r.out().contains("test accuracy"), r::transcript);
        assertTrue(Files.notExists(stale), "the temporary file the kill left is removed");
        assertEquals(List.of(RunFiles.CHECKPOINT, RunFiles.HISTORY_CSV, RunFiles.HISTORY_JSON, RunFiles.MODEL, RunFiles.CHART),
                names(out));
        SafetensorsFile a = SafetensorsFile.read(whole.resolve(RunFiles.MODEL));
        SafetensorsFile b = SafetensorsFile.read(out.resolve(RunFiles.MODEL));
        for (String name : a.tensors().keySet()) {
            assertArrayEquals(a.tensor(name).data(), b.tensor(name).data(), name + ": the model of the uninterrupted run");
        }
        assertEquals(a.metadata().get("architecture"), b.metadata().get("architecture"));
        assertEquals(column(whole), column(out), "the history of the uninterrupted run");
    }

    /** Waits (polling, at most a minute) until {@code file} exists, failing if the process ends first. */
    private static void awaitFile(Process p, Path file) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(file)) {
            assertTrue(p.isAlive(), "the process ended before " + file + " appeared");
            assertTrue(System.nanoTime() < deadline, file + " did not appear in a minute");
            Thread.sleep(1);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** The train_loss column of a run's history.csv. */
    private static List<String> column(Path run) throws IOException {
        return Files.readAllLines(run.resolve(RunFiles.HISTORY_CSV)).stream().map(l -> l.split(",")[2]).toList();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
