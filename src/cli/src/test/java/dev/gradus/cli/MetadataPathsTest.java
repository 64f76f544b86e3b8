// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files, checkpoints and ONNX exports never record a path of the machine that trained them: not
 * the data's, not the output directory's, whether given absolute or relative. A resumed run recognizes
 * its data by content, so data that moved resumes and changed data is refused.
 */
class MetadataPathsTest {
    @TempDir Path dir;

    @Test
    void noPathInAnyFileTrainAndExportWrite() throws Exception {
        Path data = Files.createDirectories(dir.resolve("private-data-folder"));
        Path csv = TinyData.blobsCsv(data).toAbsolutePath();
        Path mnist = TinyData.mnistDir(data.resolve("digits"), 20, -1).toAbsolutePath();
        Path out = dir.resolve("run-folder").toAbsolutePath();
        ok("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "1", "--backend", "java",
                "--out", out.resolve("csv").toString());
        ok("train", "--data", mnist.toString(), "--layers", "784,8,10", "--epochs", "1", "--backend", "java",
                "--out", out.resolve("mnist").toString());
        for (String run : new String[] {"csv", "mnist"}) {
            for (String file : new String[] {RunFiles.MODEL, RunFiles.CHECKPOINT}) {
                Map<String, String> meta = SafetensorsFile.read(out.resolve(run).resolve(file)).metadata();
                assertNoPath(meta, run + "/" + file);
                assertTrue(meta.get(RunFiles.KEY_DATA_ID).matches("(csv|mnist):sha256:[0-9a-f]{16}.*"), meta.toString());
            }
            Path onnx = out.resolve(run + ".onnx");
            ok("export", out.resolve(run).resolve(RunFiles.MODEL).toString(), "--out", onnx.toString());
            try (OnnxRuntime rt = new OnnxRuntime(Files.readAllBytes(onnx))) {
                assertNoPath(rt.metadata().getCustomMetadata(), run + ".onnx");
            }
        }
        assertEquals("CSV blobs.csv (label column 'species')",
                SafetensorsFile.read(out.resolve("csv").resolve(RunFiles.MODEL)).metadata().get(RunFiles.KEY_DATA));
        assertEquals("MNIST files in digits",
                SafetensorsFile.read(out.resolve("mnist").resolve(RunFiles.MODEL)).metadata().get(RunFiles.KEY_DATA));
    }

    private void assertNoPath(Map<String, String> meta, String where) {
        String root = dir.toAbsolutePath().toString();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            for (String forbidden : new String[] {root, "private-data-folder", "run-folder", System.getProperty("user.dir")}) {
                assertFalse(e.getValue().contains(forbidden), where + " metadata '" + e.getKey() + "' holds " + forbidden
                        + ": " + e.getValue());
            }
        }
    }

    @Test
    void aRunResumesOnMovedDataAndRefusesChangedData() throws IOException {
        Path csv = TinyData.blobsCsv(Files.createDirectories(dir.resolve("a")));
        Path run = dir.resolve("run");
        ok("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "1", "--backend", "java",
                "--out", run.toString());
        Path moved = Files.createDirectories(dir.resolve("b")).resolve("renamed.csv");
        Files.move(csv, moved, StandardCopyOption.ATOMIC_MOVE);
        Path checkpoint = run.resolve(RunFiles.CHECKPOINT);
        Cli resumed = ok("train", "--csv", moved.toString(), "--label", "species", "--epochs", "2", "--backend", "java",
                "--resume", checkpoint.toString(), "--out", run.toString());
        assertTrue(resumed.out().contains("resuming from"), resumed::transcript);

        Files.writeString(moved, Files.readString(moved).replace("setosa", "setosa ").replaceFirst("\n.*\n", "\n"));
        Cli changed = Cli.run("train", "--csv", moved.toString(), "--label", "species", "--epochs", "3", "--backend", "java",
                "--resume", checkpoint.toString());
        assertEquals(Main.BAD_INPUT, changed.exit(), changed::transcript);
        assertTrue(changed.err().contains("give the same data flags"), changed::transcript);
    }

    private static Cli ok(String... args) {
        Cli r = Cli.run(args);
        assertEquals(0, r.exit(), r::transcript);
        return r;
    }
}
