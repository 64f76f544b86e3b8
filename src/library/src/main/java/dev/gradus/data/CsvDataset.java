// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a numeric CSV file into a {@link Dataset}: every column but one is a feature, one column is the
 * label (classification) or the target (regression).
 *
 * <p><b>Format.</b> Comma-separated, UTF-8 (a leading byte-order mark is ignored); fields may be
 * double-quoted ({@code ""} inside quotes is a quote); spaces around a field are ignored; blank lines
 * are skipped; every other line must have as many fields as the first. Feature and target values are
 * finite numbers as {@link Float#parseFloat} reads them (rounded once to float32).
 *
 * <p><b>Header detection.</b> The first line is a header when the label column is given by a name
 * found in it, or when any of its fields outside the label column is not a number. (So a file whose
 * header names are all numbers is read as data: give the label column by index and drop the header.)
 *
 * <p><b>The label column</b> is given as a header name or as a 0-based index; a negative index counts
 * from the end ({@code -1} = last column). A number that is also a name in a header line is the name.
 *
 * <p><b>Classification labels.</b> When every label is a number, each must be a non-negative integer
 * (written {@code 3} or {@code 3.0}); the classes are {@code 0 … max} and are named by their numbers.
 * Otherwise the labels are class names: the distinct names sorted in {@link String#compareTo} order
 * (by UTF-16 code unit, so "B" &lt; "a") are classes {@code 0, 1, …}; {@link Dataset#classNames()}
 * gives the mapping back.
 *
 * <p>A malformed line throws {@link MalformedDataException} naming the file, the line, the column
 * (1-based, with its header name when there is one) and what was wrong.
 */
public final class CsvDataset {

    /** What the label column holds. */
    public enum Task {
        /** Integer classes or class names; the dataset has {@link Labels}. */
        CLASSIFICATION,
        /** A float target; the dataset has a {@code [n, 1]} targets tensor. */
        REGRESSION
    }

    private CsvDataset() {}

    /** Reads {@code file} with the label in column {@code labelColumn} (a header name or a 0-based index). */
    public static Dataset read(Path file, String labelColumn, Task task) throws IOException {
        Parsed p = parse(file, labelColumn);
        Tensor x = Tensor.allocate(p.rows, p.features);
        try {
            x.copyFrom(p.values.toArray(p.rows * p.features));
            if (task == Task.REGRESSION) {
                float[] t = new float[p.rows];
                for (int i = 0; i < p.rows; i++) {
                    String s = p.labels.get(i);
                    t[i] = number(s, file, p, i);
                }
                return Dataset.regression(x, Tensor.of(p.rows, 1, t));
            }
            return classification(x, p, file);
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
    }

    /**
     * Reads a file of features only (for prediction): every column is a feature; the first line is a
     * header when any of its fields is not a number.
     */
    public static Tensor readFeatures(Path file) throws IOException {
        Parsed p = parse(file, null);
        return Tensor.of(p.rows, p.features, p.values.toArray(p.rows * p.features));
    }

    private static Dataset classification(Tensor x, Parsed p, Path file) {
        boolean numeric = true;
        for (String s : p.labels) {
            if (!isNumber(s)) {
                numeric = false;
                break;
            }
        }
        int[] y = new int[p.rows];
        List<String> names;
        if (numeric) {
            int max = 0;
            for (int i = 0; i < p.rows; i++) {
                double v = Double.parseDouble(p.labels.get(i));
                if (v < 0 || v != Math.rint(v) || v >= Integer.MAX_VALUE) {
                    throw p.error(file, i, p.label, "label '" + p.labels.get(i)
                            + "' is not a class: numeric labels must be non-negative integers");
                }
                y[i] = (int) v;
                max = Math.max(max, y[i]);
            }
            names = Dataset.numberedClasses(max + 1);
        } else {
            names = new ArrayList<>(new TreeSet<>(p.labels));
            Map<String, Integer> index = new HashMap<>();
            for (int k = 0; k < names.size(); k++) {
                index.put(names.get(k), k);
            }
            for (int i = 0; i < p.rows; i++) {
                y[i] = index.get(p.labels.get(i));
            }
        }
        Labels labels = Labels.of(y);
        try {
            return Dataset.classification(x, labels, names);
        } catch (RuntimeException e) {
            labels.close();
            throw e;
        }
    }

    private static float number(String s, Path file, Parsed p, int row) {
        try {
            float v = Float.parseFloat(s);
            if (Float.isFinite(v)) {
                return v;
            }
            throw p.error(file, row, p.label, "'" + s + "' is not a finite number");
        } catch (NumberFormatException e) {
            throw p.error(file, row, p.label, "'" + s + "' is not a number");
        }
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s)) && !s.isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Parses every line; labelColumn null = no label column (features only). */
    private static Parsed parse(Path file, String labelColumn) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<String> fields = new ArrayList<>();
            String line;
            int lineNo = 0;
            Parsed p = new Parsed();
            int columns = -1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                split(line, fields, file, lineNo);
                if (columns < 0) {
                    columns = fields.size();
                    p.firstLine = lineNo;
                    if (labelColumn != null && columns < 2) {
                        throw new MalformedDataException(file, "line " + lineNo, "only " + columns
                                + " column; a labelled CSV needs at least one feature column and the label column");
                    }
                    p.label = labelColumn == null ? -1 : resolveLabel(labelColumn, fields, file, lineNo);
                    p.features = labelColumn == null ? columns : columns - 1;
                    if (isHeader(fields, p.label, labelColumn)) {
                        p.names = fields.toArray(new String[0]);
                        continue;
                    }
                }
                if (fields.size() != columns) {
                    throw new MalformedDataException(file, "line " + lineNo, "has " + fields.size()
                            + " columns, expected " + columns + " (as on line " + p.firstLine + ")");
                }
                for (int j = 0; j < columns; j++) {
                    String s = fields.get(j);
                    if (j == p.label) {
                        p.labels.add(s);
                        continue;
                    }
                    float v;
                    try {
                        v = Float.parseFloat(s);
                    } catch (NumberFormatException e) {
                        throw new MalformedDataException(file, p.where(lineNo, j),
                                s.isEmpty() ? "empty field, expected a number" : "'" + s + "' is not a number");
                    }
                    if (!Float.isFinite(v)) {
                        throw new MalformedDataException(file, p.where(lineNo, j), "'" + s + "' is not a finite number");
                    }
                    p.values.add(v);
                }
                p.lines.add(lineNo);
                p.rows++;
            }
            if (p.rows == 0) {
                throw new MalformedDataException(file, "line " + lineNo, "no data rows");
            }
            if ((long) p.rows * p.features > Integer.MAX_VALUE) {
                throw new MalformedDataException(file, "line " + lineNo, "more than 2^31−1 feature values");
            }
            return p;
        }
    }

    private static int resolveLabel(String labelColumn, List<String> first, Path file, int lineNo) {
        boolean anyText = false;
        for (String f : first) {
            anyText |= !isNumber(f);
        }
        int byName = first.indexOf(labelColumn);
        if (byName >= 0 && (anyText || !isNumber(labelColumn))) {
            return byName;  // a header line that names the column
        }
        int index;
        try {
            index = Integer.parseInt(labelColumn.trim());
        } catch (NumberFormatException e) {
            throw new MalformedDataException(file, "line " + lineNo, "label column '" + labelColumn
                    + "' is not in the header " + first + " (nor an index)");
        }
        int resolved = index < 0 ? first.size() + index : index;
        if (resolved < 0 || resolved >= first.size()) {
            throw new MalformedDataException(file, "line " + lineNo, "label column index " + index
                    + " is out of range for " + first.size() + " columns");
        }
        return resolved;
    }

    private static boolean isHeader(List<String> first, int label, String labelColumn) {
        if (label >= 0 && first.get(label).equals(labelColumn) && !isNumber(labelColumn)) {
            return true;
        }
        for (int j = 0; j < first.size(); j++) {
            if (j != label && !isNumber(first.get(j))) {
                return true;
            }
        }
        return false;
    }

    /** Splits one line into trimmed fields, honouring double quotes. */
    private static void split(String line, List<String> out, Path file, int lineNo) {
        out.clear();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                int open = i++;
                while (true) {
                    if (i >= n) {
                        throw new MalformedDataException(file, "line " + lineNo + ", character " + (open + 1),
                                "unclosed quote");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                while (i < n && line.charAt(i) != ',') {
                    if (line.charAt(i) != ' ') {
                        throw new MalformedDataException(file, "line " + lineNo + ", character " + (i + 1),
                                "text after a closing quote");
                    }
                    i++;
                }
                out.add(field.toString());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                out.add(line.substring(start, i).trim());
            }
            field.setLength(0);
            if (i >= n) {
                return;
            }
            i++; // the comma
        }
    }

    /** What a pass over the file collected. */
    private static final class Parsed {
        final FloatList values = new FloatList();
        final List<String> labels = new ArrayList<>();
        final IntList lines = new IntList();
        String[] names;   // header, or null
        int label = -1;   // label column index, -1 for none
        int features;
        int rows;
        int firstLine;

        String where(int lineNo, int column) {
            return "line " + lineNo + ", column " + (column + 1)
                    + (names != null ? " '" + names[column] + "'" : "");
        }

        MalformedDataException error(Path file, int row, int column, String problem) {
            return new MalformedDataException(file, where(lines.get(row), column), problem);
        }
    }

    private static final class FloatList {
        private float[] a = new float[1024];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, Math.max(16, a.length * 2));
            }
            a[n++] = v;
        }

        float[] toArray(int expected) {
            return Arrays.copyOf(a, expected);
        }
    }

    private static final class IntList {
        private int[] a = new int[256];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int get(int i) { return a[i]; }
    }
}
