// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.data.CsvDataset;
import dev.gradus.data.Standardization;
import dev.gradus.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error is one line on stderr that says what and where, exit code 2, no stack trace unless
 * {@code --verbose}, and no half-written file.
 */
class CliErrorTest {
    @TempDir Path dir;
    Path csv;
    Path model;

    @BeforeEach
    void tinyModel() throws IOException {
        csv = TinyData.blobsCsv(dir);
        Path run = dir.resolve("run");
        Cli r = Cli.run("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "1",
                "--backend", "java", "--out", run.toString());
        assertEquals(0, r.exit(), r::transcript);
        model = run.resolve(RunFiles.MODEL);
    }

    /** Runs {@code args}, expects exit 2 and one stderr line containing every {@code fragment}. */
    private Cli fails(List<String> fragments, String... args) {
        Cli r = Cli.run(args);
        assertEquals(2, r.exit(), r::transcript);
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), () -> "exactly one line on stderr\n" + r.transcript());
        assertTrue(lines.get(0).startsWith("gradus " + args[0] + ": error: "), r::transcript);
        for (String f : fragments) {
            assertTrue(lines.get(0).contains(f), () -> "stderr names '" + f + "'\n" + r.transcript());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace");
        return r;
    }

    @Test
    void missingFiles() {
        Path absent = dir.resolve("absent.csv");
        fails(List.of("file not found", absent.toString()), "train", "--csv", absent.toString(), "--label", "x", "--backend", "java");
        fails(List.of("no such directory", "nodir"), "train", "--data", dir.resolve("nodir").toString(), "--backend", "java");
        fails(List.of("file not found", "nomodel.safetensors"), "evaluate", dir.resolve("nomodel.safetensors").toString(),
                "--backend", "java");
        fails(List.of("file not found", "in.csv"), "predict", model.toString(), dir.resolve("in.csv").toString(), "--backend", "java");
        fails(List.of("t10k-images-idx3-ubyte"), "evaluate", model.toString(), "--data", dir.toString(), "--backend", "java");
    }

    @Test
    void corruptAndTruncatedModelFiles() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.safetensors"), "this is not a model at all");
        fails(List.of(garbage.toString(), "header length"), "evaluate", garbage.toString(), "--backend", "java");
        byte[] bytes = Files.readAllBytes(model);
        Path truncated = Files.write(dir.resolve("truncated.safetensors"), Arrays.copyOf(bytes, bytes.length - 10));
        fails(List.of(truncated.toString(), "truncated"), "evaluate", truncated.toString(), "--backend", "java");
        Path checkpoint = model.resolveSibling(RunFiles.CHECKPOINT);
        fails(List.of(checkpoint.toString(), "was trained on CSV", "give the same data flags"), "train", "--backend", "java",
                "--epochs", "2", "--resume", checkpoint.toString());
        // a resumed run cannot end before where its checkpoint is
        Path two = dir.resolve("two");
        Cli r = Cli.run("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,8,3", "--epochs", "2",
                "--backend", "java", "--out", two.toString());
        assertEquals(0, r.exit(), r::transcript);
        Path twoEpochs = two.resolve(RunFiles.CHECKPOINT);
        fails(List.of(twoEpochs.toString(), "has finished 2 epochs already; give --epochs 2 or more"), "train", "--csv",
                csv.toString(), "--label", "species", "--backend", "java", "--epochs", "1", "--resume", twoEpochs.toString());
        fails(List.of(model.toString(), "not a checkpoint"), "train", "--csv", csv.toString(), "--label", "species",
                "--backend", "java", "--resume", model.toString());
    }

    @Test
    void wrongDimensions() throws IOException {
        fails(List.of("--layers starts with 5 inputs", "4 features"), "train", "--csv", csv.toString(), "--label", "species",
                "--layers", "5,8,3", "--backend", "java");
        fails(List.of("--layers ends with 2 outputs", "3 classes"), "train", "--csv", csv.toString(), "--label", "species",
                "--layers", "4,8,2", "--backend", "java");
        Path wide = Files.writeString(dir.resolve("wide.csv"), "1,2,3,4,5\n6,7,8,9,10\n");
        fails(List.of(wide.toString(), "5 features", "takes 4"), "predict", model.toString(), wide.toString(), "--backend", "java");
    }

    /** Issue 8: inputs that overflow float32 inside the network printed a confidence of NaN with exit 0. */
    @Test
    void predictNamesARowWhoseOutputIsNotFinite() throws IOException {
        Path huge = Files.writeString(dir.resolve("huge.csv"), "a,b,c,d\n1,2,3,4\n"
                + "3e38,3e38,3e38,3e38\n-3e38,-3e38,-3e38,-3e38\n3e38,-3e38,3e38,-3e38\n-3e38,3e38,-3e38,3e38\n");
        int first = -1;   // the row the model itself cannot compute
        try (ModelFile.Loaded m = ModelFile.load(model, Backend.named("java"));
             Tensor x = CsvDataset.readFeatures(huge);
             Tensor out = m.network().predict(Standardization.fromMetadata(m.info()).apply(x))) {   // as predict does
            for (int r = out.rows() - 1; r >= 0; r--) {
                for (int c = 0; c < out.cols(); c++) {
                    first = Float.isFinite(out.get(r, c)) ? first : r;
                }
            }
        }
        assertTrue(first >= 1, "one of the rows overflows: the test needs it");
        Path out = dir.resolve("predictions.csv");
        fails(List.of(huge.toString(), "row " + first + " ", "not a finite number", "overflow float32"), "predict",
                model.toString(), huge.toString(), "--backend", "java", "--output", out.toString());
        assertFalse(Files.exists(out), "no predictions written");
    }

    @Test
    void labelOutOfRange() throws IOException {
        Path mnist = TinyData.mnistDir(dir.resolve("mnist"), 20, 12);
        fails(List.of("train-labels-idx1-ubyte", "12"), "train", "--data", mnist.toString(), "--layers", "784,4,10",
                "--backend", "java");
    }

    @Test
    void nonNumberInCsv() throws IOException {
        List<String> lines = Files.readAllLines(csv);
        lines.set(5, lines.get(5).replaceFirst("^[^,]+", "abc"));
        Path bad = dir.resolve("bad.csv");
        Files.write(bad, lines);
        fails(List.of(bad.toString(), "line 6", "abc"), "train", "--csv", bad.toString(), "--label", "species", "--backend", "java");
    }

    @Test
    void badFlagValues() {
        fails(List.of("--lr", "abc"), "train", "--lr", "abc");
        fails(List.of("--lr must be", "-1"), "train", "--lr", "-1", "--backend", "java");
        fails(List.of("--backend", "cuda"), "train", "--backend", "cuda");
        fails(List.of("--layers"), "train", "--layers", "784,x,10");
        fails(List.of("--epochs must be >= 1"), "train", "--epochs", "0", "--backend", "java");
        fails(List.of("--threads must be >= 1"), "train", "--threads", "0");
        fails(List.of("unknown activation 'swish'"), "train", "--activation", "swish", "--backend", "java",
                "--csv", csv.toString(), "--label", "species");
        fails(List.of("--optimizer", "lion"), "train", "--optimizer", "lion", "--backend", "java");
        fails(List.of("--momentum applies to sgd and rmsprop"), "train", "--optimizer", "adam", "--momentum", "0.9", "--backend", "java");
        fails(List.of("Unknown option", "--colour"), "train", "--colour");
        fails(List.of("--csv", "needs --label"), "train", "--csv", csv.toString(), "--backend", "java");
        fails(List.of("--lr cannot be changed when resuming"), "train", "--lr", "0.1", "--resume", model.toString());
    }

    @Test
    void verboseAddsTheStackTrace() {
        Cli r = Cli.run("evaluate", dir.resolve("nomodel.safetensors").toString(), "--backend", "java", "--verbose");
        assertEquals(2, r.exit(), r::transcript);
        assertTrue(r.err().lines().findFirst().orElseThrow().startsWith("gradus evaluate: error: file not found"), r::transcript);
        assertTrue(r.err().contains("\tat "), r::transcript);
    }

    @Test
    void aFailedRunLeavesNoHalfWrittenFile() throws IOException {
        Path out = dir.resolve("failed");
        fails(List.of("--layers starts with 5"), "train", "--csv", csv.toString(), "--label", "species", "--layers", "5,8,3",
                "--backend", "java", "--out", out.toString());
        fails(List.of("file not found"), "predict", model.toString(), dir.resolve("none.csv").toString(), "--backend", "java",
                "--output", out.resolve("pred.csv").toString());
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.list(out)) {
                assertEquals(List.of(), files.toList(), "nothing written");
            }
        }
    }
}
