// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.Tensor;
import dev.gradus.data.CsvDataset.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {
    @TempDir Path dir;

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("data.csv"), text);
    }

    @Test
    void headerLabelByNameAndIntegerClasses() throws IOException {
        Path f = csv("a,label,b\n1.5,2,3\n-4,0,5e-1\n\n7,1,8\n");
        try (Dataset d = CsvDataset.read(f, "label", Task.CLASSIFICATION)) {
            assertEquals(3, d.size());
            assertEquals(2, d.featureCount());
            assertArrayEquals(new float[] {1.5f, 3, -4, 0.5f, 7, 8}, d.features().toArray());
            assertArrayEquals(new int[] {2, 0, 1}, d.labels().toArray());
            assertEquals(List.of("0", "1", "2"), d.classNames());
        }
    }

    @Test
    void noHeaderLabelByIndexFromTheEnd() throws IOException {
        Path f = csv("1,2,3\n4,5,6.0\n");
        try (Dataset d = CsvDataset.read(f, "-1", Task.CLASSIFICATION)) {
            assertEquals(2, d.size());
            assertArrayEquals(new float[] {1, 2, 4, 5}, d.features().toArray());
            assertArrayEquals(new int[] {3, 6}, d.labels().toArray());
            assertEquals(7, d.classes());
        }
        try (Dataset d = CsvDataset.read(f, "0", Task.REGRESSION)) {
            assertArrayEquals(new float[] {1, 4}, d.targets().toArray());
            assertArrayEquals(new float[] {2, 3, 5, 6}, d.features().toArray());
        }
    }

    @Test
    void stringClassesAreSortedNamesAndDataFirstLineIsNotAHeader() throws IOException {
        Path f = csv("5.1,3.5,setosa\n6.2,2.9,versicolor\n\"4.9\",3.0,\"Iris, odd\"\n5.0,3.3,setosa\n");
        try (Dataset d = CsvDataset.read(f, "2", Task.CLASSIFICATION)) {
            assertEquals(4, d.size());
            assertEquals(List.of("Iris, odd", "setosa", "versicolor"), d.classNames());
            assertArrayEquals(new int[] {1, 2, 0, 1}, d.labels().toArray());
            assertEquals(4.9f, d.features().get(2, 0));
        }
    }

    @Test
    void featuresOnlyForPrediction() throws IOException {
        Path f = csv("\uFEFFx,y\n1,2\n3,4\n");
        try (Tensor x = CsvDataset.readFeatures(f)) {
            assertEquals("[2, 2]", x.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4}, x.toArray());
        }
    }

    private MalformedDataException bad(String text, String label, Task task) throws IOException {
        Path f = csv(text);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> CsvDataset.read(f, label, task).close());
        assertTrue(e.getMessage().startsWith(f + ": "), "names the file: " + e.getMessage());
        return e;
    }

    @Test
    void missingValuesAreErrorsNamingLineRowAndColumn() throws IOException {
        for (String na : new String[] {"NA", "n/a", "NaN", "null", "None", "?"}) {
            MalformedDataException e = bad("a,b,y\n1,2,0\n3,4,1\n5," + na + ",1\n", "y", Task.CLASSIFICATION);
            assertEquals("line 4, column 2 'b' (data row 3)", e.location(), na);
            assertTrue(e.getMessage().contains("missing value '" + na + "'"), e.getMessage());
        }
        MalformedDataException label = bad("a,y\n1,0\n2,\n", "y", Task.CLASSIFICATION);
        assertEquals("line 3, column 2 'y' (data row 2)", label.location(), "a missing label too");
        MalformedDataException target = bad("a,t\n1,NA\n", "t", Task.REGRESSION);
        assertTrue(target.getMessage().contains("missing value 'NA'"), target.getMessage());
    }

    /** A categorical column becomes one feature per category, in place; categories come from the training rows. */
    @Test
    void categoricalColumnsAreOneHotEncodedWithTheTrainingCategories() throws IOException {
        Path f = Files.writeString(dir.resolve("cat.csv"), "w,color,size,y\n1.5,red,s,0\n2.5,blue,l,1\n3.5,red,m,1\n");
        Map<String, List<String>> cats = CsvDataset.fitCategories(f, "y", List.of("color", "size"), 0, 1);
        assertEquals(Map.of("color", List.of("blue", "red"), "size", List.of("l", "m", "s")), cats);
        try (Dataset d = CsvDataset.read(f, "y", Task.CLASSIFICATION, cats)) {
            assertEquals(6, d.featureCount(), "w, 2 colors, 3 sizes");
            assertArrayEquals(new float[] {1.5f, 0, 1, 0, 0, 1, 2.5f, 1, 0, 1, 0, 0, 3.5f, 0, 1, 0, 1, 0}, d.features().toArray());
        }
        try (Tensor x = CsvDataset.readFeatures(Files.writeString(dir.resolve("new.csv"), "w,color,size\n9,blue,m\n"), cats)) {
            assertArrayEquals(new float[] {9, 1, 0, 0, 1, 0}, x.toArray());
        }
        MalformedDataException unseen = assertThrows(MalformedDataException.class, () -> CsvDataset.read(
                Files.writeString(dir.resolve("teal.csv"), "w,color,size,y\n1,teal,s,0\n"), "y", Task.CLASSIFICATION, cats));
        assertEquals("line 2, column 2 'color' (data row 1)", unseen.location());
        assertTrue(unseen.getMessage().endsWith("'teal' is not one of the 2 categories seen in training [blue, red]"),
                unseen.getMessage());

        // fitted on the rows split(0.5, seed) keeps for training: a category only in the held-out rows is not one
        StringBuilder sb = new StringBuilder("w,color,y\n");
        for (int i = 0; i < 20; i++) {
            sb.append(i).append(",c").append(i).append(",0\n");
        }
        Path many = Files.writeString(dir.resolve("many.csv"), sb);
        List<String> fitted = CsvDataset.fitCategories(many, "y", List.of("color"), 0.5, 7).get("color");
        try (Dataset all = CsvDataset.read(many, "y", Task.REGRESSION, CsvDataset.fitCategories(many, "y", List.of("color"), 0, 7));
             Dataset.Split split = all.split(0.5, 7)) {
            java.util.Set<String> training = new java.util.TreeSet<>();
            for (int i = 0; i < split.train().size(); i++) {
                training.add("c" + (int) split.train().features().get(i, 0));
            }
            assertEquals(List.copyOf(training), fitted);
        }
        assertEquals(List.of("c0", "c13", "c4"), CsvDataset.fitCategories(many, "y", List.of("color"), new int[] {13, 0, 4})
                .get("color"), "fitted on the given rows alone");
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> CsvDataset.fitCategories(many, "y", List.of("color"), new int[] {20}));
        assertTrue(outside.getMessage().startsWith("row 20 is not among the 20 data rows of "), outside.getMessage());
        MalformedDataException noHeader = assertThrows(MalformedDataException.class,
                () -> CsvDataset.fitCategories(f, "y", List.of("colour"), 0, 1));
        assertTrue(noHeader.getMessage().contains("categorical column 'colour' is not in the header"), noHeader.getMessage());
    }

    @Test
    void labelNameIsTheHeadersNameForAnIndexToo() throws IOException {
        Path named = Files.writeString(dir.resolve("named.csv"), "\nw,price\n1,2\n");
        assertEquals("price", CsvDataset.labelName(named, "1"));
        assertEquals("price", CsvDataset.labelName(named, "-1"));
        assertEquals("w", CsvDataset.labelName(named, "w"));
        assertNull(CsvDataset.labelName(Files.writeString(dir.resolve("bare.csv"), "1,2\n3,4\n"), "1"), "no header");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> CsvDataset.labelName(named, "cost"));
        assertTrue(e.getMessage().contains("label column 'cost' is not in the header [w, price]"), e.getMessage());
    }

    @Test
    void nonNumberNamesLineAndColumn() throws IOException {
        MalformedDataException e = bad("a,b,y\n1,2,0\n3,abc,1\n", "y", Task.CLASSIFICATION);
        assertEquals("line 3, column 2 'b'", e.location());
        assertTrue(e.getMessage().endsWith("'abc' is not a number (a column of categories is read with --categorical b)"),
                e.getMessage());
        MalformedDataException empty = bad("1,2,0\n3,,1\n", "2", Task.CLASSIFICATION);
        assertEquals("line 2, column 2 (data row 2)", empty.location());
        assertTrue(empty.getMessage().endsWith("missing value; Gradus does not impute missing values: fill them in or drop the row"),
                empty.getMessage());
        MalformedDataException nan = bad("1,2,0\nNaN,1,1\n", "2", Task.CLASSIFICATION);
        assertTrue(nan.getMessage().contains("missing value 'NaN'"), nan.getMessage());
        MalformedDataException target = bad("x,t\n1,2\n3,oops\n", "t", Task.REGRESSION);
        assertEquals("line 3, column 2 't'", target.location());
    }

    @Test
    void raggedRowsNameTheLine() throws IOException {
        MalformedDataException e = bad("1,2,0\n3,4\n", "2", Task.CLASSIFICATION);
        assertEquals("line 2", e.location());
        assertTrue(e.getMessage().contains("has 2 columns, expected 3"), e.getMessage());
        MalformedDataException more = bad("a,b,y\n1,2,0\n\n3,4,5,6\n", "y", Task.CLASSIFICATION);
        assertEquals("line 4", more.location());
    }

    @Test
    void labelsOutOfRangeOrNotClasses() throws IOException {
        MalformedDataException neg = bad("x,y\n1,0\n2,-1\n", "y", Task.CLASSIFICATION);
        assertEquals("line 3, column 2 'y'", neg.location());
        assertTrue(neg.getMessage().contains("'-1' is not a class"), neg.getMessage());
        MalformedDataException frac = bad("x,y\n1,0.5\n", "y", Task.CLASSIFICATION);
        assertTrue(frac.getMessage().contains("non-negative integers"), frac.getMessage());
    }

    /**
     * Issue 8: a 1.5 KB CSV with the label 1000000 built a network of a million outputs and ran out of
     * memory in the confusion matrix. Numeric labels are class indices below {@link CsvDataset#MAX_CLASSES},
     * and a label column holds at most that many different names.
     */
    @Test
    void aLabelColumnNamesAtMostMaxClassesClasses() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 60; i++) {
            sb.append(i).append(",0.5,").append(i == 7 ? "1000000" : Integer.toString(i % 3)).append('\n');
        }
        MalformedDataException big = bad(sb.toString(), "label", Task.CLASSIFICATION);
        assertEquals("line 9, column 3 'label'", big.location());
        assertTrue(big.getMessage().contains("label '1000000' is not a class") && big.getMessage().contains("65,536"),
                big.getMessage());
        try (Dataset d = CsvDataset.read(csv("x,y\n1,65535\n"), "y", Task.CLASSIFICATION)) {
            assertEquals(CsvDataset.MAX_CLASSES, d.classes(), "the largest label allowed");
        }
        StringBuilder names = new StringBuilder("x,y\n");
        for (int i = 0; i <= CsvDataset.MAX_CLASSES; i++) {
            names.append("1,c").append(i).append('\n');
        }
        MalformedDataException many = bad(names.toString(), "y", Task.CLASSIFICATION);
        assertEquals("line 65538, column 2 'y'", many.location());
        assertTrue(many.getMessage().contains("more than 65,536 different labels"), many.getMessage());
        try (Dataset d = CsvDataset.read(csv(names.toString()), "y", Task.REGRESSION)) {
            fail("names are not regression targets: " + d);
        } catch (MalformedDataException e) {
            assertEquals("line 2, column 2 'y'", e.location());
        }
        StringBuilder targets = new StringBuilder("x,y\n");
        for (int i = 0; i <= CsvDataset.MAX_CLASSES; i++) {
            targets.append("1,").append(i * 0.5).append('\n');
        }
        try (Dataset d = CsvDataset.read(csv(targets.toString()), "y", Task.REGRESSION)) {
            assertEquals(CsvDataset.MAX_CLASSES + 1, d.size(), "regression targets are not classes: no limit");
        }
    }

    @Test
    void labelColumnProblems() throws IOException {
        MalformedDataException name = bad("a,b\n1,2\n", "label", Task.CLASSIFICATION);
        assertTrue(name.getMessage().contains("'label' is not in the header"), name.getMessage());
        MalformedDataException index = bad("1,2\n", "5", Task.CLASSIFICATION);
        assertTrue(index.getMessage().contains("index 5 is out of range for 2 columns"), index.getMessage());
        MalformedDataException one = bad("1\n2\n", "0", Task.CLASSIFICATION);
        assertTrue(one.getMessage().contains("at least one feature column"), one.getMessage());
        MalformedDataException none = bad("a,b\n\n", "b", Task.CLASSIFICATION);
        assertTrue(none.getMessage().contains("no data rows"), none.getMessage());
        MalformedDataException quote = bad("a,b\n\"1,2\n", "b", Task.CLASSIFICATION);
        assertTrue(quote.getMessage().contains("unclosed quote"), quote.getMessage());
    }
}
