// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.Tensor;
import dev.gradus.data.CsvDataset.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void nonNumberNamesLineAndColumn() throws IOException {
        MalformedDataException e = bad("a,b,y\n1,2,0\n3,abc,1\n", "y", Task.CLASSIFICATION);
        assertEquals("line 3, column 2 'b'", e.location());
        assertTrue(e.getMessage().endsWith("'abc' is not a number"), e.getMessage());
        MalformedDataException empty = bad("1,2,0\n3,,1\n", "2", Task.CLASSIFICATION);
        assertEquals("line 2, column 2", empty.location());
        assertTrue(empty.getMessage().contains("empty field"), empty.getMessage());
        MalformedDataException nan = bad("1,2,0\nNaN,1,1\n", "2", Task.CLASSIFICATION);
        assertTrue(nan.getMessage().contains("not a finite number"), nan.getMessage());
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
