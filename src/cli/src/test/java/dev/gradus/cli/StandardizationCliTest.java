// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.data.Standardization;
import dev.gradus.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV features are standardized by default with training-split statistics that the model carries to evaluate and predict. */
class StandardizationCliTest {
    @TempDir Path dir;

    private static double accuracy(String out, String prefix) {
        Matcher m = Pattern.compile("(?m)^" + prefix + " ([0-9.]+)%").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void standardizedTrainingLearnsDespiteAGramsColumnAndEvaluateAndPredictApplyIt() throws IOException {
        Path csv = TinyData.gradesCsv(dir);
        Path out = dir.resolve("run");
        Cli train = Cli.run("train", "--csv", csv.toString(), "--label", "grade", "--backend", "java", "--out", out.toString());
        assertEquals(0, train.exit(), train::transcript);
        assertEquals("", train.err(), "no scale warning when standardized: " + train.transcript());
        assertTrue(accuracy(train.out(), "test accuracy") >= 85, train::transcript);

        Path model = out.resolve(RunFiles.MODEL);
        Standardization s = Standardization.fromMetadata(SafetensorsFile.read(model).metadata());
        assertNotNull(s, "the model file carries the statistics");
        assertTrue(Math.abs(s.mean()[0] - 2500) < 200 && Math.abs(s.scale()[0] - 900) < 150, s::toString);
        assertTrue(Math.abs(s.mean()[1] - 12) < 1, s::toString);

        // the raw CSV: only standardized inputs give the network's accuracy back
        Cli eval = Cli.run("evaluate", model.toString(), "--csv", csv.toString(), "--label", "grade", "--backend", "java");
        assertEquals(0, eval.exit(), eval::transcript);
        assertTrue(accuracy(eval.out(), "accuracy") >= 85, eval::transcript);

        Cli predict = Cli.run("predict", model.toString(), csv.toString(), "--label", "grade", "--backend", "java");
        assertEquals(0, predict.exit(), predict::transcript);
        List<String> truth = Files.readAllLines(csv).stream().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();
        List<String> rows = predict.out().lines().skip(1).toList();
        assertEquals(truth.size(), rows.size());
        long right = 0;
        for (int i = 0; i < rows.size(); i++) {
            right += rows.get(i).split(",")[1].equals(truth.get(i)) ? 1 : 0;
        }
        assertEquals(accuracy(eval.out(), "accuracy"), Math.round(10000.0 * right / rows.size()) / 100.0, 1e-9,
                "predict classifies as evaluate counts");
    }

    @Test
    void noStandardizeWarnsOfFeaturesOrdersOfMagnitudeApartAndSavesNoStatistics() throws IOException {
        Path csv = TinyData.gradesCsv(dir);
        Path out = dir.resolve("raw");
        Cli train = Cli.run("train", "--csv", csv.toString(), "--label", "grade", "--no-standardize", "--epochs", "2",
                "--backend", "java", "--out", out.toString());
        assertEquals(0, train.exit(), train::transcript);
        assertTrue(train.err().startsWith("warning: the features' standard deviations differ by a factor of"), train::transcript);
        assertFalse(SafetensorsFile.read(out.resolve(RunFiles.MODEL)).metadata().containsKey(Standardization.METADATA_KEY));

        Cli blobs = Cli.run("train", "--csv", TinyData.blobsCsv(dir).toString(), "--label", "species", "--no-standardize",
                "--epochs", "1", "--backend", "java");
        assertEquals("", blobs.err(), "features of one scale draw no warning: " + blobs.transcript());

        Cli resume = Cli.run("train", "--csv", csv.toString(), "--label", "grade", "--standardize", "--epochs", "3",
                "--resume", out.resolve(RunFiles.CHECKPOINT).toString());
        assertEquals(2, resume.exit(), resume::transcript);
        assertTrue(resume.err().contains("--standardize cannot be changed when resuming"), resume::transcript);
    }
}
