// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.backend.internal.InUse;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An in-memory dataset: {@code n} samples of {@code d} features in one off-heap tensor {@code [n, d]},
 * with either integer class labels (classification) or a float targets tensor {@code [n, t]}
 * (regression). A dataset owns its tensors: {@link #close()} frees them.
 *
 * <p>Classification datasets know their class count and class names (for MNIST "0" … "9"; for a CSV
 * with string labels the sorted names, see {@link CsvDataset}). Every label is checked to lie in
 * {@code [0, classes)} when the dataset is made.
 */
public final class Dataset implements AutoCloseable {
    private final Tensor features;
    private final Labels labels;      // null for regression
    private final Tensor targets;     // null for classification
    private final List<String> classNames;

    private Dataset(Tensor features, Labels labels, Tensor targets, List<String> classNames) {
        this.features = features;
        this.labels = labels;
        this.targets = targets;
        this.classNames = classNames;
    }

    /**
     * A classification dataset that takes ownership of {@code features} [n, d] and {@code labels} [n];
     * every label must lie in {@code [0, classNames.size())}.
     */
    public static Dataset classification(Tensor features, Labels labels, List<String> classNames) {
        if (labels.length() != features.rows()) {
            throw new IllegalArgumentException("features " + features.shape() + " have " + features.rows()
                    + " rows but there are " + labels.length() + " labels");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("a classification dataset needs at least one class");
        }
        int bad = labels.firstOutOfRange(classNames.size());
        if (bad >= 0) {
            throw new IllegalArgumentException("label " + labels.get(bad) + " of sample " + bad
                    + " is out of range [0, " + classNames.size() + ")");
        }
        return new Dataset(features, labels, null, List.copyOf(classNames));
    }

    /** A classification dataset with classes named "0" … "classes−1". */
    public static Dataset classification(Tensor features, Labels labels, int classes) {
        return classification(features, labels, numberedClasses(classes));
    }

    /** A regression dataset that takes ownership of {@code features} [n, d] and {@code targets} [n, t]. */
    public static Dataset regression(Tensor features, Tensor targets) {
        if (targets.rows() != features.rows()) {
            throw new IllegalArgumentException("features " + features.shape() + " and targets " + targets.shape()
                    + " have different row counts");
        }
        return new Dataset(features, null, targets, List.of());
    }

    /** "0", "1", … for {@code classes} classes. */
    public static List<String> numberedClasses(int classes) {
        if (classes <= 0) {
            throw new IllegalArgumentException("class count must be positive, got " + classes);
        }
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** Number of samples. */
    public int size() { return features.rows(); }

    /** Features per sample. */
    public int featureCount() { return features.cols(); }

    /** Target values per sample: 1 for classification (the label), {@code t} for regression. */
    public int targetCount() { return targets == null ? 1 : targets.cols(); }

    /** The features, {@code [n, d]}. */
    public Tensor features() { return features; }

    /** True for classification (integer labels), false for regression (float targets). */
    public boolean hasLabels() { return labels != null; }

    /** The labels {@code [n]}; only for classification. */
    public Labels labels() {
        if (labels == null) {
            throw new IllegalStateException("a regression dataset has targets, not labels");
        }
        return labels;
    }

    /** The targets {@code [n, t]}; only for regression. */
    public Tensor targets() {
        if (targets == null) {
            throw new IllegalStateException("a classification dataset has labels, not targets");
        }
        return targets;
    }

    /** Number of classes; 0 for regression. */
    public int classes() { return classNames.size(); }

    /** Class names by index (empty for regression). */
    public List<String> classNames() { return classNames; }

    /** A new dataset holding copies of the given rows, in the given order. */
    public Dataset subset(int[] rows) {
        int n = size();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new IllegalArgumentException("row " + rows[i] + " (position " + i + ") out of range for a dataset of "
                        + n + " samples");
            }
        }
        Tensor f = Tensor.allocate(rows.length, featureCount());
        try {
            gatherRows(InUse.buffer(f), InUse.buffer(features), featureCount(), rows, 0, rows.length);
            if (labels != null) {
                Labels l = Labels.allocate(rows.length);
                gatherLabels(InUse.buffer(l), InUse.buffer(labels), rows, 0, rows.length);
                return new Dataset(f, l, null, classNames);
            }
            Tensor t = Tensor.allocate(rows.length, targetCount());
            gatherRows(InUse.buffer(t), InUse.buffer(targets), targetCount(), rows, 0, rows.length);
            return new Dataset(f, null, t, classNames);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** The first {@code count} samples, copied. */
    public Dataset head(int count) {
        if (count < 0 || count > size()) {
            throw new IllegalArgumentException("head(" + count + ") of a dataset of " + size() + " samples");
        }
        int[] rows = new int[count];
        Arrays.setAll(rows, i -> i);
        return subset(rows);
    }

    /**
     * Splits into a training and a validation part, both new datasets (this one is unchanged and still
     * owned by the caller). {@code round(fraction · n)} samples, chosen by a seeded permutation
     * ({@link Permutation}), go to validation; each part keeps the original order of its samples.
     *
     * @param fraction in (0, 1); both parts must end up non-empty
     */
    public Split split(double fraction, long seed) {
        return split(validationRows(fraction, seed));
    }

    /**
     * The rows {@link #split(double, long)} sends to validation, in increasing order (the others train).
     *
     * @param fraction in (0, 1); both parts must end up non-empty
     */
    public int[] validationRows(double fraction, long seed) {
        checkFraction(fraction);
        int n = size();
        int validation = (int) Math.round(fraction * n);
        if (validation < 1 || validation > n - 1) {
            throw new IllegalArgumentException("validation fraction " + fraction + " of " + n
                    + " samples leaves one part empty");
        }
        return validationRows(n, fraction, seed);
    }

    /** The rows {@link #split(double, long)} sends to validation out of {@code n}, in increasing order. */
    static int[] validationRows(int n, double fraction, long seed) {
        int[] valRows = Arrays.copyOfRange(Permutation.of(n, seed, Permutation.SPLIT_STREAM), 0, (int) Math.round(fraction * n));
        Arrays.sort(valRows);
        return valRows;
    }

    /**
     * As {@link #split}, stratified for a classification dataset: each class sends
     * {@code round(fraction · its count)} of its samples (chosen by the same seeded permutation) to
     * validation, so both parts keep the class proportions, as scikit-learn's
     * {@code train_test_split(stratify=y)}. A regression dataset is split as {@link #split} does.
     *
     * @param fraction in (0, 1); both parts must end up non-empty
     */
    public Split stratifiedSplit(double fraction, long seed) {
        return split(stratifiedValidationRows(fraction, seed));
    }

    /**
     * The rows {@link #stratifiedSplit(double, long)} sends to validation, in increasing order (the others train).
     *
     * @param fraction in (0, 1); both parts must end up non-empty
     */
    public int[] stratifiedValidationRows(double fraction, long seed) {
        if (labels == null) {
            return validationRows(fraction, seed);
        }
        checkFraction(fraction);
        int n = size();
        int[] order = Permutation.of(n, seed, Permutation.SPLIT_STREAM);
        int[] perClass = new int[classes()];
        for (int i = 0; i < n; i++) {
            perClass[labels.get(i)]++;
        }
        int[] quota = new int[classes()];
        int validation = 0;
        for (int k = 0; k < quota.length; k++) {
            quota[k] = (int) Math.round(fraction * perClass[k]);
            validation += quota[k];
        }
        if (validation < 1 || validation > n - 1) {
            throw new IllegalArgumentException("validation fraction " + fraction + " of " + n
                    + " samples leaves one part empty");
        }
        int[] valRows = new int[validation];
        int v = 0;
        for (int i : order) {   // the permutation picks, within each class, which samples validate
            int k = labels.get(i);
            if (quota[k] > 0) {
                quota[k]--;
                valRows[v++] = i;
            }
        }
        Arrays.sort(valRows);
        return valRows;
    }

    private static void checkFraction(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
        }
    }

    /** The rows not in {@code valRows} (increasing) train, the others validate. */
    private Split split(int[] valRows) {
        int[] trainRows = trainingRows(size(), valRows);
        Dataset train = subset(trainRows);
        try {
            return new Split(train, subset(valRows));
        } catch (RuntimeException e) {
            train.close();
            throw e;
        }
    }

    /**
     * The rows of {@code 0 … n-1} that are not in {@code heldOut}, in increasing order.
     *
     * @param n       the number of rows
     * @param heldOut distinct rows in increasing order, as {@link #validationRows(double, long)} gives them
     * @return the complement of {@code heldOut}
     */
    public static int[] trainingRows(int n, int[] heldOut) {
        for (int i = 0; i < heldOut.length; i++) {
            if (heldOut[i] < 0 || heldOut[i] >= n || (i > 0 && heldOut[i] <= heldOut[i - 1])) {
                throw new IllegalArgumentException("held-out row " + heldOut[i] + " (position " + i + ") is not in [0, "
                        + n + ") or not above the one before it");
            }
        }
        int[] rows = new int[n - heldOut.length];
        int t = 0;
        int h = 0;
        for (int i = 0; i < n; i++) {
            if (h < heldOut.length && heldOut[h] == i) {
                h++;
            } else {
                rows[t++] = i;
            }
        }
        return rows;
    }

    /** The two parts of {@link #split}; closing it closes both. */
    public record Split(Dataset train, Dataset validation) implements AutoCloseable {
        @Override
        public void close() {
            train.close();
            validation.close();
        }
    }

    /** Frees the features and the labels or targets. Idempotent. */
    @Override
    public void close() {
        features.close();
        if (labels != null) {
            labels.close();
        }
        if (targets != null) {
            targets.close();
        }
    }

    @Override
    public String toString() {
        return "Dataset[" + size() + " × " + featureCount() + (labels != null ? ", " + classes() + " classes"
                : ", " + targetCount() + " targets") + "]";
    }

    /** {@code dst[i] = src[rows[from + i]]} for {@code count} rows of {@code width} floats; no allocation. */
    static void gatherRows(FloatBuffer dst, FloatBuffer src, int width, int[] rows, int from, int count) {
        for (int i = 0; i < count; i++) {
            dst.put(i * width, src, rows[from + i] * width, width);
        }
    }

    static void gatherLabels(IntBuffer dst, IntBuffer src, int[] rows, int from, int count) {
        for (int i = 0; i < count; i++) {
            dst.put(i, src.get(rows[from + i]));
        }
    }
}
