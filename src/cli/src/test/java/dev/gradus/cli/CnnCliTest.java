// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A convolutional network from {@code --model} through train, evaluate, predict, info, compare and
 * export, on {@link TinyData#mnistDir} images ([1, 28, 28]) and the java backend; PyTorch's CNN state dict
 * through {@code --model}.
 */
class CnnCliTest {
    /** [1, 28, 28] → conv [4, 12, 12] → pool [4, 6, 6] → 144 → 10: 104 + 1,450 parameters. */
    static final String MODEL = "conv2d(4, 5, stride=2) relu maxpool2d(2) flatten dense(10)";

    @TempDir Path dir;
    Path mnist;

    @BeforeEach
    void data() throws IOException {
        mnist = TinyData.mnistDir(dir.resolve("mnist"), 60, -1);
    }

    private static Cli ok(String... args) {
        Cli r = Cli.run(args);
        assertEquals(0, r.exit(), r::transcript);
        assertEquals("", r.err(), r::transcript);
        return r;
    }

    private static Cli fails(String expected, String... args) {
        Cli r = Cli.run(args);
        assertEquals(Main.BAD_INPUT, r.exit(), r::transcript);
        assertTrue(r.err().contains(expected), r::transcript);
        assertEquals(1, r.err().lines().count(), r::transcript);
        return r;
    }

    /** "correct/total" from the line starting with {@code prefix + "accuracy "}. */
    private static String counts(Cli r, String prefix) {
        Matcher m = Pattern.compile("(?m)^" + prefix + "accuracy [0-9.]+% \\((\\d+/\\d+)\\)$").matcher(r.out());
        assertTrue(m.find(), r::transcript);
        return m.group(1);
    }

    @Test
    void trainEvaluatePredictAndInfoOnACnn() throws IOException {
        Path file = Files.writeString(dir.resolve("small.model"), "# a small CNN\nconv2d(4, 5, stride=2) relu\n"
                + "maxpool2d(2)   # [4, 6, 6]\nflatten dense(10)\n");
        Path run = dir.resolve("run");
        Cli train = ok("train", "--data", mnist.toString(), "--model", "@" + file, "--epochs", "2", "--batch", "10",
                "--lr", "0.05", "--backend", "java", "--out", run.toString(), "--verbose");
        String describe = "[1, 28, 28] " + MODEL + ", cross_entropy, 1,554 parameters";
        assertTrue(train.out().contains("\n" + describe + ", sgd (lr 0.05, momentum 0.9), batch 10 on MNIST files in mnist"),
                train::transcript);
        for (String row : List.of("0    conv2d(1 -> 4, 5x5, stride 2x2) [N, 4, 12, 12]          104",
                "2    maxpool2d(2x2)                  [N, 4, 6, 6]              0",
                "3    flatten                         [N, 144]                  0",
                "4    dense(144 -> 10)                [N, 10]               1,450")) {
            assertTrue(train.out().contains(row), "the summary shows each layer's output shape and parameters: " + row
                    + "\n" + train.transcript());
        }
        String trained = counts(train, "test ");
        Path model = run.resolve(RunFiles.MODEL);

        Cli eval = ok("evaluate", model.toString(), "--data", mnist.toString(), "--backend", "java");
        assertTrue(eval.out().startsWith("model " + model + ": " + describe), eval::transcript);
        assertEquals(trained, counts(eval, ""), "evaluate scores the saved model as train did");
        // the same weights as a state dict, the architecture from --model and the data's shape
        Cli imported = ok("evaluate", model.toString(), "--model", MODEL, "--data", mnist.toString(), "--backend", "java");
        assertEquals(trained, counts(imported, ""));

        Path images = mnist.resolve("t10k-images-idx3-ubyte.gz");
        Cli predict = ok("predict", model.toString(), images.toString(), "--backend", "java");
        List<String> lines = predict.out().lines().toList();
        assertEquals(61, lines.size(), predict::transcript);
        int correct = 0;
        for (int i = 0; i < 60; i++) {
            correct += lines.get(i + 1).split(",")[1].equals(Integer.toString(i % 10)) ? 1 : 0;   // TinyData's labels
        }
        assertEquals(trained, correct + "/60", "predict agrees with evaluate");
        assertEquals(predict.out(), ok("predict", model.toString(), images.toString(), "--model", "@" + file,
                "--backend", "java").out());

        Cli info = ok("info", model.toString());
        assertTrue(info.out().startsWith("model " + model + ": " + describe), info::transcript);
        assertTrue(info.out().contains("[N, 4, 6, 6]") && info.out().contains("parameters: 1,554"), info::transcript);
        Cli infoImported = ok("info", model.toString(), "--model", MODEL, "--input-shape", "1,28,28");
        assertTrue(infoImported.out().contains("dense(144 -> 10)"), infoImported::transcript);
        fails("--input-shape applies to --model (a model file knows its input shape)", "info", model.toString(),
                "--input-shape", "1,28,28");
        fails("--input-shape: a sample shape is [F] or [C, H, W], got [28, 28]", "info", model.toString(), "--model", MODEL,
                "--input-shape", "28,28");

        Cli init = ok("train", "--data", mnist.toString(), "--model", MODEL, "--init", model.toString(), "--epochs", "1",
                "--batch", "10", "--backend", "java");
        assertTrue(init.out().contains("initialized from " + model), init::transcript);

        Cli resumed = ok("train", "--data", mnist.toString(), "--resume", run.resolve(RunFiles.CHECKPOINT).toString(),
                "--epochs", "3", "--backend", "java");
        assertTrue(resumed.out().contains("resuming from") && resumed.out().contains("\n" + describe + ", sgd"),
                resumed::transcript);
        fails("--model cannot be changed when resuming", "train", "--data", mnist.toString(), "--resume",
                run.resolve(RunFiles.CHECKPOINT).toString(), "--model", "lenet5");

        Cli export = ok("export", model.toString(), "--out", dir.resolve("m.onnx").toString());
        assertTrue(export.out().contains(describe + "; input 'input' [batch, 1, 28, 28]"), export::transcript);
        fails("--model needs the input shape: give --input-shape", "export", model.toString(), "--model", MODEL,
                "--out", dir.resolve("m.onnx").toString());
    }

    /**
     * The library's fixture {@code torch/cnn.safetensors}, written by PyTorch 1.13 (see its
     * {@code make_state_dicts.py}), loads by the notation of its nn.Sequential: every name and shape fits.
     */
    @Test
    void pyTorchsCnnStateDictLoadsByItsNotation() {
        Path stateDict = ImportCliTest.FIXTURES.resolve("cnn.safetensors");
        String notation = "conv2d(4, 3, padding=1) relu maxpool2d(2) conv2d(6, (2, 3), padding=1, bias=false) tanh "
                + "avgpool2d(2, stride=1, padding=1, count_include_pad=false) flatten dense(10) relu dense(3)";
        Cli info = ok("info", stateDict.toString(), "--model", notation, "--input-shape", "1,8,8");
        assertTrue(info.out().contains("[1, 8, 8] " + notation + ", cross_entropy, 2,027 parameters"), info::transcript);
        assertTrue(info.out().contains("[N, 6, 6, 5]"), info::transcript);
        Cli export = ok("export", stateDict.toString(), "--model", notation, "--input-shape", "1,8,8",
                "--out", dir.resolve("cnn.onnx").toString());
        assertTrue(export.out().contains("input 'input' [batch, 1, 8, 8]"), export::transcript);
        fails("has shape [4, 1, 3, 3] but layer 0 conv2d(1 -> 4, 5x5, padding 1x1) needs [4, 1, 5, 5]", "info", stateDict.toString(), "--model", notation.replace("(4, 3,", "(4, 5,"),
                "--input-shape", "1,8,8");
    }

    /** Batch and layer normalization: the saved running statistics score as train's evaluation did. */
    @Test
    void normalizedCnnEvaluatesAsTrained() {
        Path run = dir.resolve("norm");
        Cli train = ok("train", "--data", mnist.toString(), "--model",
                "conv2d(4, 5, stride=2) batchnorm2d relu maxpool2d(2) flatten layernorm dense(10)", "--epochs", "2",
                "--batch", "10", "--lr", "0.05", "--backend", "java", "--out", run.toString());
        Cli eval = ok("evaluate", run.resolve(RunFiles.MODEL).toString(), "--data", mnist.toString(), "--backend", "java");
        assertTrue(eval.out().contains("batchnorm2d relu maxpool2d(2) flatten layernorm(144) dense(10)"), eval::transcript);
        assertEquals(counts(train, "test "), counts(eval, ""));
    }

    @Test
    void compareRunsACnnOnBothBackendsForAFewSteps() {
        Cli r = ok("compare", "--data", mnist.toString(), "--model", MODEL, "--epochs", "1", "--batch", "10",
                "--samples", "30");
        assertTrue(r.out().contains("its first 30 training samples"), r::transcript);
        Matcher m = Pattern.compile("max \\|Δparam\\| ([0-9.e+-]+)").matcher(r.out());
        assertTrue(m.find(), r::transcript);
        assertTrue(Double.parseDouble(m.group(1)) < 1e-3, "3 steps keep the backends together: " + r.out());
    }

    @Test
    void badModelsAreClearErrors() throws IOException {
        Path csv = TinyData.blobsCsv(dir);
        fails("--model on CSV blobs.csv (label column 'species'), samples [4]: at column 1 ('conv2d(4, 3)'): conv2d takes "
                        + "images [C, H, W], but its input is flat [4]",
                "train", "--csv", csv.toString(), "--label", "species", "--model", "conv2d(4, 3) relu flatten dense(3)");
        String m = "--data=" + mnist;
        fails("--model gives the whole network: drop --layers", "train", m, "--model", MODEL, "--layers", "784,10");
        fails("--model gives the whole network: drop --activation", "train", m, "--model", MODEL, "--activation", "tanh");
        fails("--model ends with samples [4, 24, 24] but MNIST files in mnist has 10 classes: end with flatten and dense(10)",
                "train", m, "--model", "conv2d(4, 5) relu");
        fails("--model ends with samples [5] but MNIST files in mnist has 10 classes", "train", m, "--model", "flatten dense(5)");
        fails("at column 14 ('batchnorm1d'): batchnorm1d takes flat samples, but its input is images [4, 24, 24]", "train", m,
                "--model", "conv2d(4, 5) batchnorm1d relu flatten dense(10)");
        fails("file not found: " + dir.resolve("nope"), "train", m, "--model", "@" + dir.resolve("nope"));
        fails("give either --layers or --model, not both", "evaluate", "x.safetensors", m, "--model", MODEL, "--layers", "4,3");

        // an image model refuses flat rows, even of as many values
        Path run = dir.resolve("run");
        ok("train", m, "--model", MODEL, "--epochs", "1", "--batch", "10", "--backend", "java", "--out", run.toString());
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 784; c++) {
                sb.append("0.5,");
            }
            sb.append(r).append('\n');
        }
        Path pixels = Files.writeString(dir.resolve("pixels.csv"), sb);
        fails("takes images [1, 28, 28] but CSV pixels.csv (label column '784') has 784 features (flat samples): an image "
                        + "model needs image data such as MNIST IDX files",
                "evaluate", run.resolve(RunFiles.MODEL).toString(), "--csv", pixels.toString(), "--label", "784",
                "--backend", "java");
    }
}
