// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --categorical columns are one-hot encoded with the training split's categories, which the model carries. */
class CategoricalCliTest {
    @TempDir Path dir;

    @Test
    void trainEncodesCategoriesAndEvaluateAndPredictUseTheModels() throws IOException {
        Random r = new Random(2);
        StringBuilder sb = new StringBuilder("size,color,kind\n");
        for (int i = 0; i < 200; i++) {
            int k = r.nextInt(2);   // the colour decides the class; the size is noise
            String color = k == 1 ? (r.nextBoolean() ? "red" : "orange") : (r.nextBoolean() ? "blue" : "green");
            sb.append(String.format(Locale.ROOT, "%.2f,%s,%s%n", r.nextGaussian(), color, k == 1 ? "warm" : "cool"));
        }
        Path csv = Files.writeString(dir.resolve("colors.csv"), sb);
        Cli plain = Cli.run("train", "--csv", csv.toString(), "--label", "kind", "--backend", "java");
        assertEquals(2, plain.exit(), plain::transcript);
        assertTrue(plain.err().contains("is not a number (a column of categories is read with --categorical color)"),
                plain::transcript);

        Path out = dir.resolve("run");
        Cli train = Cli.run("train", "--csv", csv.toString(), "--label", "kind", "--categorical", "color", "--epochs", "5",
                "--backend", "java", "--out", out.toString());
        assertEquals(0, train.exit(), train::transcript);
        assertTrue(train.out().startsWith("5-128-2 relu"), "size + 4 colours: " + train.transcript());
        assertTrue(train.out().contains("test accuracy 100.00%"), train::transcript);
        Path model = out.resolve(RunFiles.MODEL);
        assertEquals("{\"color\":[\"blue\",\"green\",\"orange\",\"red\"]}",
                SafetensorsFile.read(model).metadata().get(DataOptions.KEY_CATEGORIES));

        Cli eval = Cli.run("evaluate", model.toString(), "--csv", csv.toString(), "--label", "kind", "--backend", "java");
        assertEquals(0, eval.exit(), eval::transcript);
        assertTrue(eval.out().contains("accuracy 100.00% (200/200)"), eval::transcript);

        Path rows = Files.writeString(dir.resolve("rows.csv"), "size,color\n0.1,orange\n-2,blue\n");
        Cli predict = Cli.run("predict", model.toString(), rows.toString(), "--backend", "java");
        assertEquals(0, predict.exit(), predict::transcript);
        assertTrue(predict.out().contains("0,warm,") && predict.out().contains("1,cool,"), predict::transcript);

        Path teal = Files.writeString(dir.resolve("teal.csv"), "size,color\n0.1,teal\n");
        Cli unseen = Cli.run("predict", model.toString(), teal.toString(), "--backend", "java");
        assertEquals(2, unseen.exit(), unseen::transcript);
        assertTrue(unseen.err().contains("line 2, column 2 'color': 'teal' is not one of the 4 categories seen in training "
                + "[blue, green, orange, red]"), unseen::transcript);

        Path gap = Files.writeString(dir.resolve("gap.csv"), "size,color,kind\n0.5,red,warm\n,blue,cool\n");
        Cli missing = Cli.run("evaluate", model.toString(), "--csv", gap.toString(), "--label", "kind", "--backend", "java");
        assertEquals(2, missing.exit(), missing::transcript);
        assertTrue(missing.err().contains("line 3, column 1 'size' (data row 2): missing value"), missing::transcript);
    }
}
