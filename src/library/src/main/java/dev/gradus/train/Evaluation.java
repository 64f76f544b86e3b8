// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import dev.gradus.backend.internal.InUse;
import dev.gradus.Tensor;
import dev.gradus.data.Batch;
import dev.gradus.data.Batches;
import dev.gradus.data.Dataset;
import dev.gradus.nn.Network;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How well a classifier does on a labelled dataset: accuracy, the confusion matrix (rows = true class,
 * columns = predicted class, as scikit-learn's {@code confusion_matrix}), per-class precision, recall and
 * F1, and their unweighted (macro) means. The predicted class is the arg-max of the network's output
 * (the first maximum, as {@code torch.argmax}). A precision or recall whose denominator is 0 is 0, as
 * scikit-learn's {@code zero_division=0}; the macro means include such classes.
 *
 * <p>Memory grows with the classes and with the distinct (true, predicted) pairs seen, never with the
 * square of the classes: the matrix is kept sparse, so an evaluation of many classes on few samples
 * stays small. {@link #confusionMatrix()} makes it dense, for up to {@value #MAX_DENSE_CLASSES} classes.
 */
public final class Evaluation {
    /** The most classes {@link #confusionMatrix()} returns as a dense array (128 MiB of counts). */
    public static final int MAX_DENSE_CLASSES = 4096;
    /** Up to this many classes {@link #confusionTable()} shows them all; beyond, the ones that occur. */
    static final int TABLE_CLASSES = 64;

    private final List<String> classNames;
    private final long[] support;       // samples per true class
    private final long[] predictedAs;   // samples per predicted class
    private final long[] correct;       // the diagonal
    private final Map<Long, Long> cells = new HashMap<>();   // actual · k + predicted -> count, the non-zero cells
    private long total;
    private double lossSum;

    /** An empty evaluation for these classes; fill it with {@link #add}. */
    public Evaluation(List<String> classNames) {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("an evaluation needs at least one class");
        }
        this.classNames = List.copyOf(classNames);
        int k = classNames.size();
        this.support = new long[k];
        this.predictedAs = new long[k];
        this.correct = new long[k];
    }

    /**
     * Evaluates {@code network} on {@code data} in batches of {@code batchSize}, in evaluation mode
     * (dropout off; the network's mode is restored afterwards). Also averages the loss.
     */
    public static Evaluation of(Network network, Dataset data, int batchSize) {
        if (!data.hasLabels()) {
            throw new IllegalArgumentException("evaluation needs a classification dataset (labels), got " + data);
        }
        if (data.featureCount() != network.inFeatures()) {
            throw new IllegalArgumentException("the data has " + data.featureCount() + " features but the network takes "
                    + network.inFeatures());
        }
        if (data.classes() > network.outFeatures()) {
            throw new IllegalArgumentException("the data has " + data.classes() + " classes but the network has "
                    + network.outFeatures() + " outputs");
        }
        List<String> names = data.classNames();
        if (network.outFeatures() > names.size()) {
            names = Dataset.numberedClasses(network.outFeatures());
        }
        Evaluation e = new Evaluation(names);
        boolean wasTraining = network.isTraining();
        network.train(false);
        boolean lossUsesLabels = network.loss().usesLabels();
        try (Batches batches = new Batches(data, batchSize, 0)) {
            batches.startInOrder();
            while (batches.hasNext()) {
                Batch b = batches.next();
                Tensor out;
                if (lossUsesLabels) {
                    e.lossSum += (double) network.forward(b.features(), b.labels()) * b.size();
                    out = network.output();
                } else {
                    out = network.predict(b.features());
                    e.lossSum = Double.NaN;
                }
                FloatBuffer o = InUse.buffer(out);
                int c = out.cols();
                for (int i = 0; i < b.size(); i++) {
                    e.add(b.labels().get(i), argmax(o, i * c, c));
                }
            }
        } finally {
            network.train(wasTraining);
        }
        return e;
    }

    /** Counts one sample. */
    public void add(int actual, int predicted) {
        int k = classes();
        if (actual < 0 || actual >= k || predicted < 0 || predicted >= k) {
            throw new IllegalArgumentException("class out of range [0, " + k + "): actual " + actual + ", predicted " + predicted);
        }
        cells.merge((long) actual * k + predicted, 1L, Long::sum);
        support[actual]++;
        predictedAs[predicted]++;
        if (actual == predicted) {
            correct[actual]++;
        }
        total++;
    }

    /** Samples of true class {@code actual} predicted as {@code predicted}: one cell of the confusion matrix. */
    public long count(int actual, int predicted) {
        int k = classes();
        if (actual < 0 || actual >= k || predicted < 0 || predicted >= k) {
            throw new IllegalArgumentException("class out of range [0, " + k + "): actual " + actual + ", predicted " + predicted);
        }
        return cells.getOrDefault((long) actual * k + predicted, 0L);
    }

    /** Index of the largest of {@code n} values from {@code from} (the first on ties; NaN never wins). */
    static int argmax(FloatBuffer b, int from, int n) {
        int best = 0;
        float max = b.get(from);
        for (int j = 1; j < n; j++) {
            float v = b.get(from + j);
            if (v > max || (Float.isNaN(max) && !Float.isNaN(v))) {
                max = v;
                best = j;
            }
        }
        return best;
    }

    public int classes() { return classNames.size(); }
    public List<String> classNames() { return classNames; }
    public long count() { return total; }

    /** The mean loss over the samples (NaN if not computed). */
    public double loss() { return total == 0 ? Double.NaN : lossSum / total; }

    /**
     * The confusion matrix, {@code [actual][predicted]}, as a new dense array.
     * @throws IllegalStateException for more than {@value #MAX_DENSE_CLASSES} classes (read {@link #count} instead)
     */
    public long[][] confusionMatrix() {
        int k = classes();
        if (k > MAX_DENSE_CLASSES) {
            throw new IllegalStateException(String.format(Locale.ROOT, "a dense confusion matrix of %,d classes would hold "
                    + "%,d counts; read its cells with count(actual, predicted)", k, (long) k * k));
        }
        long[][] c = new long[k][k];
        for (Map.Entry<Long, Long> e : cells.entrySet()) {
            c[(int) (e.getKey() / k)][(int) (e.getKey() % k)] = e.getValue();
        }
        return c;
    }

    public double accuracy() {
        long right = 0;
        for (long c : correct) {
            right += c;
        }
        return total == 0 ? 0 : (double) right / total;
    }

    /** Samples whose true class is {@code k}. */
    public long support(int k) {
        return support[k];
    }

    public double precision(int k) {
        long p = predictedAs[k];
        return p == 0 ? 0 : (double) correct[k] / p;
    }

    public double recall(int k) {
        long s = support[k];
        return s == 0 ? 0 : (double) correct[k] / s;
    }

    public double f1(int k) {
        double p = precision(k);
        double r = recall(k);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() { return mean(0); }
    public double macroRecall() { return mean(1); }
    public double macroF1() { return mean(2); }

    private double mean(int which) {
        double s = 0;
        for (int k = 0; k < classes(); k++) {
            s += which == 0 ? precision(k) : which == 1 ? recall(k) : f1(k);
        }
        return s / classes();
    }

    /**
     * The confusion matrix as an aligned text table (rows = true class, columns = predicted). Beyond
     * {@value #TABLE_CLASSES} classes only the classes that occur, as a true or a predicted class, get a
     * row and a column (a first line says how many of how many), so every non-zero count is shown.
     */
    public String confusionTable() {
        List<Integer> shown = new ArrayList<>();
        for (int k = 0; k < classes(); k++) {
            if (classes() <= TABLE_CLASSES || support[k] > 0 || predictedAs[k] > 0) {
                shown.add(k);
            }
        }
        int w = 4;
        int lw = "true\\pred".length();
        for (int k : shown) {
            w = Math.max(w, classNames.get(k).length());
            lw = Math.max(lw, classNames.get(k).length());
        }
        for (long v : cells.values()) {
            w = Math.max(w, Long.toString(v).length());
        }
        StringBuilder sb = new StringBuilder();
        if (shown.size() < classes()) {
            sb.append(String.format(Locale.ROOT, "(the %,d of %,d classes that occur as a true or a predicted class)%n",
                    shown.size(), classes()));
        }
        String cell = "%" + (w + 1) + "s";
        String label = "%-" + lw + "s";
        sb.append(String.format(Locale.ROOT, label, "true\\pred"));
        for (int k : shown) {
            sb.append(String.format(Locale.ROOT, cell, classNames.get(k)));
        }
        sb.append('\n');
        for (int i : shown) {
            sb.append(String.format(Locale.ROOT, label, classNames.get(i)));
            for (int j : shown) {
                sb.append(String.format(Locale.ROOT, cell, count(i, j)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Per-class precision, recall, F1 and support, then the macro averages and the accuracy. */
    public String classTable() {
        int w = 9;
        for (String n : classNames) {
            w = Math.max(w, n.length());
        }
        String row = "%-" + w + "s %9s %9s %9s %9s%n";
        String num = "%-" + w + "s %9.4f %9.4f %9.4f %9d%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, row, "class", "precision", "recall", "f1", "support"));
        for (int k = 0; k < classes(); k++) {
            sb.append(String.format(Locale.ROOT, num, classNames.get(k), precision(k), recall(k), f1(k), support(k)));
        }
        sb.append(String.format(Locale.ROOT, num, "macro avg", macroPrecision(), macroRecall(), macroF1(), total));
        sb.append(String.format(Locale.ROOT, "%-" + w + "s %9s %9s %9.4f %9d%n", "accuracy", "", "", accuracy(), total));
        return sb.toString();
    }

    /** Accuracy line, confusion matrix and class table. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "accuracy %.2f%% (%d samples)%n", 100 * accuracy(), total)
                + confusionTable() + "\n" + classTable();
    }
}
