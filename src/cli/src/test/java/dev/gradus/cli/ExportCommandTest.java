// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.data.CsvDataset;
import dev.gradus.data.Dataset;
import dev.gradus.data.MnistIdx;
import dev.gradus.data.Standardization;
import dev.gradus.io.ModelFile;
import dev.gradus.io.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gradus export}: a model trained by {@code train} on the built-in MNIST subset, exported, runs in
 * ONNX Runtime on the subset's 2,000 test images with Gradus's outputs (within 1e-5) and keeps the
 * model's class names; bad flags are one line naming what is wrong.
 */
@Tag("blas")
class ExportCommandTest {
    @TempDir Path dir;

    @Test
    void anExportedModelComputesInOnnxRuntimeWhatGradusComputes() throws Exception {
        Path run = dir.resolve("run");
        Cli train = Cli.run("train", "--layers", "784,32,10", "--activation", "gelu", "--epochs", "1", "--out", run.toString());
        assertEquals(0, train.exit(), train::transcript);
        Path model = run.resolve(RunFiles.MODEL);
        Path onnx = dir.resolve("digits.onnx");
        Cli export = Cli.run("export", model.toString(), "--format", "onnx", "--out", onnx.toString());
        assertEquals(0, export.exit(), export::transcript);
        assertEquals("", export.err(), export::transcript);
        assertTrue(export.out().startsWith("wrote " + onnx + ": ONNX opset 17, 784-32-10 gelu, cross_entropy"), export::transcript);
        assertTrue(export.out().contains("input 'input' [batch, 784], outputs 'logits', 'probabilities' [batch, 10]"),
                export::transcript);

        try (Dataset test = MnistIdx.test(DataOptions.builtinDirectory());
             ModelFile.Loaded loaded = ModelFile.load(model, Backend.named("native"));
             OnnxRuntime rt = new OnnxRuntime(Files.readAllBytes(onnx))) {
            float[] gradus = loaded.network().predict(test.features()).toArray();
            Map<String, float[]> ort = rt.run(OnnxExport.INPUT, test.features().toArray(), test.size(), 784);
            double worst = 0;
            float[] logits = ort.get(OnnxExport.LOGITS);
            for (int i = 0; i < gradus.length; i++) {
                worst = Math.max(worst, Math.abs((double) gradus[i] - logits[i]));
            }
            System.out.printf(Locale.ROOT, "[onnx] gradus export of train's 784-32-10 gelu model: max |ONNX Runtime - Gradus| %.3g "
                    + "over %d built-in MNIST test images%n", worst, test.size());
            assertTrue(worst <= 1e-5, "logits differ by " + worst);
            float[] p = ort.get(OnnxExport.PROBABILITIES);
            for (int r = 0; r < test.size(); r++) {   // each row of probabilities sums to 1 and peaks at the logits' argmax
                double sum = 0;
                int best = 0;
                for (int c = 0; c < 10; c++) {
                    sum += p[r * 10 + c];
                    best = logits[r * 10 + c] > logits[r * 10 + best] ? c : best;
                }
                assertEquals(1.0, sum, 1e-5);
                for (int c = 0; c < 10; c++) {
                    assertTrue(p[r * 10 + c] <= p[r * 10 + best]);
                }
            }
            Map<String, String> meta = rt.metadata().getCustomMetadata();
            assertEquals(loaded.info().get(RunFiles.KEY_CLASSES), meta.get(RunFiles.KEY_CLASSES));
            assertTrue(meta.get(OnnxExport.KEY_ARCHITECTURE).contains("\"gelu\""), meta.toString());
            assertTrue(!meta.containsKey(RunFiles.KEY_HISTORY), "a checkpoint's history stays out: " + meta.keySet());
        }

        // a checkpoint exports too (its model), without its training history
        Cli fromCheckpoint = Cli.run("export", run.resolve(RunFiles.CHECKPOINT).toString(), "--out", dir.resolve("c.onnx").toString());
        assertEquals(0, fromCheckpoint.exit(), fromCheckpoint::transcript);
        try (OnnxRuntime rt = new OnnxRuntime(Files.readAllBytes(dir.resolve("c.onnx")))) {
            assertTrue(!rt.metadata().getCustomMetadata().containsKey(RunFiles.KEY_HISTORY));
        }
    }

    /** A model trained on a standardized CSV exports with its standardization in the graph: raw features in. */
    @Test
    void aStandardizedCsvModelExportsTakingRawFeatures() throws Exception {
        Random r = new Random(4);
        StringBuilder sb = new StringBuilder("grams,ph,kind\n");
        StringBuilder features = new StringBuilder("grams,ph\n");   // what predict takes: no label column
        for (int i = 0; i < 200; i++) {
            double grams = 800 + 400 * r.nextDouble();
            String row = String.format(Locale.ROOT, "%.1f,%.3f", grams, 3 + r.nextDouble());
            sb.append(row).append(grams > 1000 ? ",heavy\n" : ",light\n");
            features.append(row).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("fruit.csv"), sb);
        Path run = dir.resolve("run");
        Cli train = Cli.run("train", "--csv", csv.toString(), "--label", "kind", "--layers", "2,8,2", "--epochs", "2",
                "--backend", "java", "--out", run.toString());
        assertEquals(0, train.exit(), train::transcript);
        Path model = run.resolve(RunFiles.MODEL);
        Path onnx = dir.resolve("fruit.onnx");
        Cli export = Cli.run("export", model.toString(), "--out", onnx.toString());
        assertEquals(0, export.exit(), export::transcript);
        try (Tensor raw = CsvDataset.readFeatures(Files.writeString(dir.resolve("features.csv"), features));
             Tensor standardized = Tensor.allocate(raw.rows(), raw.cols()).copyFrom(raw);
             ModelFile.Loaded loaded = ModelFile.load(model, Backend.named("java"));
             OnnxRuntime rt = new OnnxRuntime(Files.readAllBytes(onnx))) {
            Standardization s = Standardization.fromMetadata(loaded.info());
            assertTrue(s != null, "train standardizes a CSV by default: " + loaded.info().keySet());
            float[] gradus = loaded.network().predict(s.apply(standardized)).toArray();
            float[] logits = rt.run(OnnxExport.INPUT, raw.toArray(), raw.rows(), raw.cols()).get(OnnxExport.LOGITS);
            double worst = 0;
            for (int i = 0; i < gradus.length; i++) {
                worst = Math.max(worst, Math.abs((double) gradus[i] - logits[i]));
            }
            System.out.printf(Locale.ROOT, "[onnx] gradus export of a standardized grams CSV model, raw features in: "
                    + "max |ONNX Runtime - Gradus| %.3g%n", worst);
            assertTrue(worst <= 1e-5, "logits differ by " + worst);
        }
        assertTrue(export.out().contains("standardization is in the graph"), export::transcript);
    }

    @Test
    void badFlagsAndFilesAreOneLineNamingThem() throws Exception {
        Path model = dir.resolve("none.safetensors");
        for (List<String> args : List.of(
                List.of("export", model.toString(), "--out", "x.onnx"),
                List.of("export", model.toString(), "--format", "tflite", "--out", "x.onnx"),
                List.of("export", model.toString()))) {
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(Main.BAD_INPUT, r.exit(), r::transcript);
            String expected = args.contains("tflite") ? "unknown --format 'tflite' (known: onnx)"
                    : args.contains("--out") ? model.toString() : "--out";
            assertTrue(r.err().contains(expected), r::transcript);
        }
        assertTrue(!Files.exists(Path.of("x.onnx")));
    }
}
