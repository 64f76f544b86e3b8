// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.backend.internal.InUse;
import java.io.IOException;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * <p><b>Limits.</b> At most {@value #MAX_CLASSES} classes (numeric labels below it, or as many distinct
 * names), at most 2^20 columns per line, at most 2^31−9 feature values in all; each is reported at the
 * line that crosses it. Reading costs about 4 bytes per value and per row plus the longest line, never a
 * string per field, so no line, however long, costs much more memory than its own length.
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

    /** The most classes a label column may name (numeric labels: the largest label is below it). */
    public static final int MAX_CLASSES = 1 << 16;

    /** The most feature values (rows × features) a file may hold: a Java array's limit. */
    private static final int MAX_VALUES = Integer.MAX_VALUE - 8;

    private CsvDataset() {}

    /** Reads {@code file} with the label in column {@code labelColumn} (a header name or a 0-based index). */
    public static Dataset read(Path file, String labelColumn, Task task) throws IOException {
        return read(file, labelColumn, task, Map.of());
    }

    /**
     * As {@link #read(Path, String, Task)}, with categorical feature columns: {@code categories} maps a
     * header name to the column's categories, and each such column becomes one feature per category,
     * in that order, 1 for the row's category and 0 for the others (one-hot), where the column stood.
     * A value that is not one of its column's categories is an error naming it, the line and the column.
     * Categorical columns are named by the header, so the file must have one.
     */
    public static Dataset read(Path file, String labelColumn, Task task, Map<String, List<String>> categories)
            throws IOException {
        Parsed p = parse(file, labelColumn, task, categories, false);
        Tensor x = p.features();
        try {
            if (task == Task.REGRESSION) {
                return Dataset.regression(x, Tensor.of(p.rows, 1, p.targets.toArray(p.rows)));
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
        return readFeatures(file, Map.of());
    }

    /** As {@link #readFeatures(Path)}, with categorical columns one-hot encoded as {@link #read(Path, String, Task, Map)} does. */
    public static Tensor readFeatures(Path file, Map<String, List<String>> categories) throws IOException {
        return parse(file, null, null, categories, false).features();
    }

    /**
     * The header name of the label column {@code labelColumn} (a name or an index, as {@link #read} takes
     * it), or null when the file has no header line (detected as {@link #read} does) or no lines.
     *
     * @throws MalformedDataException when the column is neither in the header nor a valid index
     */
    public static String labelName(Path file, String labelColumn) throws IOException {
        try (CsvLines lines = new CsvLines(file)) {
            if (!lines.next()) {
                return null;
            }
            List<String> first = lines.fields();
            int label = resolveLabel(labelColumn, first, file, lines.line());
            return isHeader(first, label, labelColumn) ? first.get(label) : null;
        }
    }

    /**
     * The categories of each column in {@code columns} (header names) over the data rows that
     * {@link Dataset#split(double, long) split(testFraction, seed)} keeps for training (every row for a
     * {@code testFraction} of 0): each column's distinct values, sorted ({@link String#compareTo}).
     * Categories seen only in the held-out rows are not among them, so those rows are refused when read.
     */
    public static Map<String, List<String>> fitCategories(Path file, String labelColumn, List<String> columns,
                                                          double testFraction, long seed) throws IOException {
        Parsed p = collectCategories(file, labelColumn, columns);
        int[] rows = new int[p.rows];
        Arrays.setAll(rows, i -> i);
        if (testFraction > 0) {
            rows = Dataset.trainingRows(p.rows, Dataset.validationRows(p.rows, testFraction, seed));
        }
        return categoriesOf(p, rows);
    }

    /**
     * As {@link #fitCategories(Path, String, List, double, long)}, over the given data rows: e.g. the
     * training part left after a test split and a validation split ({@link Dataset#trainingRows}).
     *
     * @param rows data rows, 0-based in file order (the header is not a row)
     * @throws IllegalArgumentException when a row is not in the file
     */
    public static Map<String, List<String>> fitCategories(Path file, String labelColumn, List<String> columns,
                                                          int[] rows) throws IOException {
        Parsed p = collectCategories(file, labelColumn, columns);
        for (int r : rows) {
            if (r < 0 || r >= p.rows) {
                throw new IllegalArgumentException("row " + r + " is not among the " + p.rows + " data rows of " + file);
            }
        }
        return categoriesOf(p, rows);
    }

    private static Parsed collectCategories(Path file, String labelColumn, List<String> columns) throws IOException {
        Map<String, List<String>> collect = new LinkedHashMap<>();
        for (String c : columns) {
            collect.put(c, null);   // null: collect the values instead of encoding them
        }
        return parse(file, labelColumn, Task.REGRESSION, collect, true);
    }

    private static Map<String, List<String>> categoriesOf(Parsed p, int[] rows) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int c = 0; c < p.categorical.length; c++) {
            TreeSet<String> seen = new TreeSet<>();
            List<String> values = p.collected.get(c);
            for (int r : rows) {
                seen.add(values.get(r));
            }
            out.put(p.names[p.categorical[c]], List.copyOf(seen));
        }
        return out;
    }

    /** Spellings of a missing value (compared ignoring case); Gradus does not impute. */
    private static final java.util.Set<String> MISSING = java.util.Set.of("", "na", "n/a", "nan", "null", "none", "?");

    private static boolean missing(String s) {
        return s.length() <= 4 && MISSING.contains(s.toLowerCase(Locale.ROOT));
    }

    private static Dataset classification(Tensor x, Parsed p, Path file) {
        List<String> distinct = p.labelNames;
        boolean numeric = true;
        for (String s : distinct) {
            numeric &= isNumber(s);
        }
        int[] classOf = new int[distinct.size()];   // by label id
        List<String> names;
        if (numeric) {
            String[] problem = new String[distinct.size()];
            int max = 0;
            for (int k = 0; k < distinct.size(); k++) {
                double v = Double.parseDouble(distinct.get(k));
                if (v < 0 || v != Math.rint(v)) {
                    problem[k] = "label '" + distinct.get(k) + "' is not a class: numeric labels must be non-negative integers";
                } else if (v >= MAX_CLASSES) {
                    problem[k] = String.format(Locale.ROOT, "label '%s' is not a class: numeric labels are class indices "
                            + "0, 1, … and more than %,d classes are not supported (is this column a class label?)",
                            distinct.get(k), MAX_CLASSES);
                } else {
                    classOf[k] = (int) v;
                    max = Math.max(max, classOf[k]);
                }
            }
            for (int i = 0; i < p.rows; i++) {   // the first row with a bad label names it
                if (problem[p.labelIds.get(i)] != null) {
                    throw p.error(file, i, p.label, problem[p.labelIds.get(i)]);
                }
            }
            names = Dataset.numberedClasses(max + 1);
        } else {
            names = new ArrayList<>(new TreeSet<>(distinct));
            Map<String, Integer> index = new HashMap<>();
            for (int k = 0; k < names.size(); k++) {
                index.put(names.get(k), k);
            }
            for (int k = 0; k < distinct.size(); k++) {
                classOf[k] = index.get(distinct.get(k));
            }
        }
        Labels labels = Labels.allocate(p.rows);
        try {
            IntBuffer y = InUse.buffer(labels);
            for (int i = 0; i < p.rows; i++) {
                y.put(i, classOf[p.labelIds.get(i)]);
            }
            return Dataset.classification(x, labels, names);
        } catch (RuntimeException e) {
            labels.close();
            throw e;
        }
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s)) && !s.isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Parses every line; labelColumn null = no label column (features only, task null). A categorical
     * column is one-hot encoded with its categories, or, when they are null ({@code collecting}), its
     * values are collected as they are.
     */
    private static Parsed parse(Path file, String labelColumn, Task task, Map<String, List<String>> categories,
                                boolean collecting) throws IOException {
        try (CsvLines lines = new CsvLines(file)) {
            Parsed p = new Parsed();
            int columns = -1;
            while (lines.next()) {
                int lineNo = lines.line();
                if (columns < 0) {
                    columns = lines.count();
                    p.firstLine = lineNo;
                    if (labelColumn != null && columns < 2) {
                        throw new MalformedDataException(file, "line " + lineNo, "only " + columns
                                + " column; a labelled CSV needs at least one feature column and the label column");
                    }
                    List<String> first = lines.fields();
                    p.label = labelColumn == null ? -1 : resolveLabel(labelColumn, first, file, lineNo);
                    p.features = labelColumn == null ? columns : columns - 1;
                    if (!categories.isEmpty()) {
                        p.categorical(file, lineNo, first, categories, collecting);
                        continue;   // the header that names them
                    }
                    if (isHeader(first, p.label, labelColumn)) {
                        p.names = first.toArray(new String[0]);
                        continue;
                    }
                }
                if (lines.count() != columns) {
                    throw new MalformedDataException(file, "line " + lineNo, "has " + lines.count()
                            + " columns, expected " + columns + " (as on line " + p.firstLine + ")");
                }
                if ((long) (p.rows + 1) * p.features > MAX_VALUES) {
                    throw new MalformedDataException(file, "line " + lineNo, "more than 2^31−1 feature values");
                }
                for (int j = 0; j < columns; j++) {
                    String s = lines.field(j);
                    if (missing(s)) {
                        throw new MalformedDataException(file, p.where(lineNo, j) + " (data row " + (p.rows + 1) + ")",
                                "missing value" + (s.isEmpty() ? "" : " '" + s + "'") + "; Gradus does not impute "
                                + "missing values: fill them in or drop the row");
                    }
                    int c = j < p.categoryColumn.length ? p.categoryColumn[j] : -1;
                    if (c >= 0) {
                        p.addCategory(c, s, file, lineNo, j);
                        continue;
                    }
                    if (collecting && j == p.label) {
                        continue;   // fitting categories: the label is read when the data is
                    }
                    if (j == p.label) {
                        if (task == Task.REGRESSION) {
                            p.targets.add(number(s, file, p.where(lineNo, j)));
                        } else {
                            p.addLabel(s, file, lineNo, j);
                        }
                        continue;
                    }
                    float v;
                    try {
                        v = Float.parseFloat(s);
                    } catch (NumberFormatException e) {
                        throw new MalformedDataException(file, p.where(lineNo, j), "'" + s + "' is not a number"
                                + (p.names != null && labelColumn != null ? " (a column of categories is read with "
                                + "--categorical " + p.names[j] + ")" : ""));
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
                throw new MalformedDataException(file, "line " + lines.line(), "no data rows");
            }
            return p;
        }
    }

    private static float number(String s, Path file, String where) {
        try {
            float v = Float.parseFloat(s);
            if (Float.isFinite(v)) {
                return v;
            }
            throw new MalformedDataException(file, where, "'" + s + "' is not a finite number");
        } catch (NumberFormatException e) {
            throw new MalformedDataException(file, where, "'" + s + "' is not a number");
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

    /** What a pass over the file collected. */
    private static final class Parsed {
        final FloatList values = new FloatList();
        final FloatList targets = new FloatList();   // regression
        final IntList labelIds = new IntList();      // classification: each row's label, as an index into labelNames
        final List<String> labelNames = new ArrayList<>();   // the distinct labels, in order of appearance
        final Map<String, Integer> labelIndex = new HashMap<>();
        final IntList lines = new IntList();
        String[] names;   // header, or null
        int[] categoryColumn = new int[0];   // by column: its index among the categorical columns, or -1
        int[] categorical = new int[0];      // the categorical columns
        List<Map<String, Integer>> codes = new ArrayList<>();   // per categorical column: category -> position
        List<List<String>> categoryNames = new ArrayList<>();
        List<List<String>> collected;        // collecting: per categorical column, each row's value
        int label = -1;   // label column index, -1 for none
        int features;
        int rows;
        int firstLine;

        /** Resolves the categorical columns in the header {@code first}; each adds its categories' count less one. */
        void categorical(Path file, int lineNo, List<String> first, Map<String, List<String>> categories, boolean collecting) {
            names = first.toArray(new String[0]);
            categoryColumn = new int[first.size()];
            Arrays.fill(categoryColumn, -1);
            categorical = new int[categories.size()];
            collected = collecting ? new ArrayList<>() : null;
            int c = 0;
            for (Map.Entry<String, List<String>> e : categories.entrySet()) {
                int j = first.indexOf(e.getKey());
                if (j < 0) {
                    throw new MalformedDataException(file, "line " + lineNo, "categorical column '" + e.getKey()
                            + "' is not in the header " + first + " (categorical columns are named by the header)");
                }
                if (j == label) {
                    throw new MalformedDataException(file, "line " + lineNo, "column '" + e.getKey()
                            + "' is the label column; categorical columns are features");
                }
                categoryColumn[j] = c;
                categorical[c] = j;
                Map<String, Integer> code = new HashMap<>();
                if (collecting) {
                    collected.add(new ArrayList<>());
                } else {
                    List<String> list = e.getValue();
                    if (list == null || list.isEmpty()) {
                        throw new IllegalArgumentException("categorical column '" + e.getKey() + "' has no categories");
                    }
                    for (int k = 0; k < list.size(); k++) {
                        code.put(list.get(k), k);
                    }
                    features += list.size() - 1;
                    categoryNames.add(list);
                }
                codes.add(code);
                c++;
            }
        }

        void addCategory(int c, String s, Path file, int lineNo, int column) {
            if (collected != null) {
                collected.get(c).add(s);
                values.add(0f);   // a placeholder: the values are not used when collecting
                return;
            }
            Integer k = codes.get(c).get(s);
            if (k == null) {
                List<String> known = categoryNames.get(c);
                throw new MalformedDataException(file, where(lineNo, column) + " (data row " + (rows + 1) + ")", "'" + s
                        + "' is not one of the "
                        + known.size() + " categories seen in training " + (known.size() <= 20 ? known.toString()
                        : known.subList(0, 20) + " (and " + (known.size() - 20) + " more)"));
            }
            int n = categoryNames.get(c).size();
            for (int i = 0; i < n; i++) {
                values.add(i == k ? 1f : 0f);
            }
        }

        void addLabel(String s, Path file, int lineNo, int column) {
            Integer id = labelIndex.get(s);
            if (id == null) {
                if (labelNames.size() == MAX_CLASSES) {
                    throw new MalformedDataException(file, where(lineNo, column), String.format(Locale.ROOT,
                            "more than %,d different labels: a class label names one of at most %,d classes "
                            + "(is this column a class label?)", MAX_CLASSES, MAX_CLASSES));
                }
                id = labelNames.size();
                labelNames.add(s);
                labelIndex.put(s, id);
            }
            labelIds.add(id);
        }

        /** The features as a tensor [rows, features]. */
        Tensor features() {
            Tensor x = Tensor.allocate(rows, features);
            InUse.buffer(x).put(0, values.a, 0, rows * features);
            return x;
        }

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
                a = Arrays.copyOf(a, (int) Math.min(2L * a.length, MAX_VALUES));
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
                a = Arrays.copyOf(a, (int) Math.min(2L * a.length, MAX_VALUES));
            }
            a[n++] = v;
        }

        int get(int i) { return a[i]; }
    }
}
