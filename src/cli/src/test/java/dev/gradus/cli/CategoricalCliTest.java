// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.data.Dataset;
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
                SafetensorsFile.read(model).metadata().get(dev.gradus.io.ModelFile.KEY_CATEGORIES));

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
        assertTrue(unseen.err().contains("line 2, column 2 'color' (data row 1): 'teal' is not one of the 4 categories seen in training "
                + "[blue, green, orange, red]"), unseen::transcript);

        Path gap = Files.writeString(dir.resolve("gap.csv"), "size,color,kind\n0.5,red,warm\n,blue,cool\n");
        Cli missing = Cli.run("evaluate", model.toString(), "--csv", gap.toString(), "--label", "kind", "--backend", "java");
        assertEquals(2, missing.exit(), missing::transcript);
        assertTrue(missing.err().contains("line 3, column 1 'size' (data row 2): missing value"), missing::transcript);
    }

    /**
     * The categories come from the rows that train: a category only in a validation row or only in a test row
     * is an error naming it, its column and its row, while in a training row it is one of the categories.
     */
    @Test
    void categoriesComeFromTheTrainingRowsAloneNotTheValidationOrTestRows() throws IOException {
        int n = 100;
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
        }
        // where the rows go, as train splits them: the test rows, then the validation rows of what is left
        int[] rows;
        int testRow;
        int valRow;
        try (Dataset labels = Dataset.classification(Tensor.allocate(n, 1), Labels.of(y), 2)) {
            int[] test = labels.validationRows(0.2, 1);
            testRow = test[0];
            rows = Dataset.trainingRows(n, test);
            try (Dataset train = labels.subset(rows)) {
                int[] val = train.stratifiedValidationRows(0.25, 1);
                valRow = rows[val[0]];
                rows = Dataset.trainingRows(rows.length, val);
            }
        }
        int trainRow = 0;
        while (trainRow == testRow || trainRow == valRow) {
            trainRow++;
        }
        for (int[] c : new int[][] {{testRow, 0}, {valRow, 0}, {trainRow, 1}}) {
            StringBuilder sb = new StringBuilder("size,color,kind\n");
            for (int i = 0; i < n; i++) {
                String color = i == c[0] ? "teal" : y[i] == 1 ? "red" : "blue";
                sb.append(String.format(Locale.ROOT, "%d,%s,%s%n", i % 5, color, y[i] == 1 ? "warm" : "cool"));
            }
            Path csv = Files.writeString(dir.resolve("teal" + c[0] + ".csv"), sb);
            Path out = dir.resolve("run" + c[0]);
            Cli r = Cli.run("train", "--csv", csv.toString(), "--label", "kind", "--categorical", "color", "--val-split", "0.25",
                    "--epochs", "1", "--backend", "java", "--out", out.toString());
            if (c[1] == 1) {
                assertEquals(0, r.exit(), r::transcript);
                assertEquals("{\"color\":[\"blue\",\"red\",\"teal\"]}",
                        SafetensorsFile.read(out.resolve(RunFiles.MODEL)).metadata().get(dev.gradus.io.ModelFile.KEY_CATEGORIES));
            } else {
                assertEquals(2, r.exit(), r::transcript);
                assertTrue(r.err().contains("line " + (c[0] + 2) + ", column 2 'color' (data row " + (c[0] + 1) + "): 'teal' "
                        + "is not one of the 2 categories seen in training [blue, red]"), r::transcript);
            }
        }
    }
}
