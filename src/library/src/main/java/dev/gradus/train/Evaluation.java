// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.data.Batch;
import dev.gradus.data.Batches;
import dev.gradus.data.Dataset;
import dev.gradus.nn.Network;
import dev.gradus.backend.internal.InUse;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How well a network does on a dataset, with the metrics that fit its loss ({@link #kind()}):
 * <ul>
 * <li><b>multiclass</b> (integer labels, cross-entropy): accuracy, top-k accuracy, the confusion matrix
 * (rows = true class, columns = predicted class, as scikit-learn's {@code confusion_matrix}),
 * per-class precision, recall and F1 and their unweighted (macro) means. The predicted class is the
 * arg-max of the network's output (the first maximum, as {@code torch.argmax}); a sample is in the
 * top k when fewer than k classes score above its true class (a tie ranks the lower index first, so
 * top-1 accuracy is the accuracy).</li>
 * <li><b>binary</b> ({@code bce} on probabilities, {@code bce_with_logits} on logits, float targets 0 or
 * 1): the same counts for classes "0" and "1" with the prediction {@code p >= 0.5} (a logit
 * {@code >= 0}), so {@link #precision(int) precision(1)}, {@link #recall(int) recall(1)} and
 * {@link #f1(int) f1(1)} are the positive class's, and {@link #rocAuc()}, the area under the ROC
 * curve (the Mann–Whitney statistic, ties counting one half, as {@code roc_auc_score}). A target is
 * positive when {@code >= 0.5}; with several outputs each (sample, output) pair is one decision.</li>
 * <li><b>regression</b> (any other loss, float targets): per output and overall, MSE, RMSE, MAE and
 * R² ({@code 1 − SS_res / SS_tot} around the evaluated targets' own mean; NaN for a constant
 * target), as scikit-learn's {@code mean_squared_error}, {@code root_mean_squared_error},
 * {@code mean_absolute_error} and {@code r2_score}; overall is their uniform average over the
 * outputs, as {@code multioutput='uniform_average'}.</li>
 * </ul>
 * A precision or recall whose denominator is 0 is 0, as scikit-learn's {@code zero_division=0}; the
 * macro means include such classes. The classification methods throw {@link IllegalStateException}
 * on a regression evaluation and the regression methods on a classification one.
 *
 * <p>Memory grows with the classes and with the distinct (true, predicted) pairs seen, never with the
 * square of the classes: the matrix is kept sparse, so an evaluation of many classes on few samples
 * stays small. {@link #confusionMatrix()} makes it dense, for up to {@value #MAX_DENSE_CLASSES} classes.
 * A binary evaluation keeps every score (8 bytes a decision) for the ROC AUC.
 */
public final class Evaluation {
    /** The most classes {@link #confusionMatrix()} returns as a dense array (128 MiB of counts). */
    public static final int MAX_DENSE_CLASSES = 4096;
    /** The largest k {@link #topKAccuracy(int)} answers below the class count. */
    public static final int MAX_TOP_K = 20;
    /** Up to this many classes {@link #confusionTable()} shows them all; beyond, the ones that occur. */
    static final int TABLE_CLASSES = 64;

    /** Which metrics apply, from the loss. */
    public enum Kind { MULTICLASS, BINARY, REGRESSION }

    private final Kind kind;
    private final List<String> classNames;
    private final long[] support;       // samples per true class
    private final long[] predictedAs;   // samples per predicted class
    private final long[] correct;       // the diagonal
    private final long[] rankCount;     // multiclass: samples whose true class ranked r (0-based), r < MAX_TOP_K
    private final Map<Long, Long> cells = new HashMap<>();   // actual · k + predicted -> count, the non-zero cells
    private double[] positiveScores = new double[16];   // binary: the scores of positive and of negative decisions
    private double[] negativeScores = new double[16];
    private int positives;
    private int negatives;
    private final int outputs;          // regression: per output, Welford's mean and M2 of the targets,
    private final double[] targetMean;  // and the sums of squared and absolute errors
    private final double[] targetM2;
    private final double[] squaredError;
    private final double[] absoluteError;
    private long total;
    private long ranked;
    private double lossSum;

    /** An empty multiclass evaluation for these classes; fill it with {@link #add} or {@link #addScores}. */
    public Evaluation(List<String> classNames) {
        this(Kind.MULTICLASS, classNames, 0);
    }

    private Evaluation(Kind kind, List<String> classNames, int outputs) {
        if (kind != Kind.REGRESSION && classNames.isEmpty()) {
            throw new IllegalArgumentException("an evaluation needs at least one class");
        }
        if (kind == Kind.REGRESSION && outputs < 1) {
            throw new IllegalArgumentException("a regression evaluation needs at least one output, got " + outputs);
        }
        this.kind = kind;
        this.classNames = List.copyOf(classNames);
        int k = classNames.size();
        this.support = new long[k];
        this.predictedAs = new long[k];
        this.correct = new long[k];
        this.rankCount = new long[Math.min(k, MAX_TOP_K)];
        this.outputs = outputs;
        this.targetMean = new double[outputs];
        this.targetM2 = new double[outputs];
        this.squaredError = new double[outputs];
        this.absoluteError = new double[outputs];
    }

    /** An empty binary evaluation (classes "0" and "1"); fill it with {@link #addBinary}. */
    public static Evaluation binary() {
        return new Evaluation(Kind.BINARY, List.of("0", "1"), 0);
    }

    /** An empty regression evaluation of {@code outputs} outputs; fill it with {@link #addRegression}. */
    public static Evaluation regression(int outputs) {
        return new Evaluation(Kind.REGRESSION, List.of(), outputs);
    }

    /**
     * Evaluates {@code network} on {@code data} in batches of {@code batchSize}, in evaluation mode
     * (dropout off; the network's mode is restored afterwards), with the metrics of its loss: multiclass
     * for labelled data, binary for float targets under {@code bce} or {@code bce_with_logits},
     * regression for float targets under any other loss. Also averages the loss.
     */
    public static Evaluation of(Network network, Dataset data, int batchSize) {
        if (data.featureCount() != network.inFeatures()) {
            throw new IllegalArgumentException("the data has " + data.featureCount() + " features but the network takes "
                    + network.inFeatures());
        }
        Evaluation e;
        if (data.hasLabels()) {
            if (data.classes() > network.outFeatures()) {
                throw new IllegalArgumentException("the data has " + data.classes() + " classes but the network has "
                        + network.outFeatures() + " outputs");
            }
            List<String> names = data.classNames();
            if (network.outFeatures() > names.size()) {
                names = Dataset.numberedClasses(network.outFeatures());
            }
            e = new Evaluation(names);
        } else {
            if (data.targetCount() != network.outFeatures()) {
                throw new IllegalArgumentException("the data has " + data.targetCount() + " targets per sample but the "
                        + "network has " + network.outFeatures() + " outputs");
            }
            Loss.Kind loss = network.loss().kind();
            e = loss == Loss.Kind.BCE || loss == Loss.Kind.BCE_WITH_LOGITS ? binary() : regression(data.targetCount());
        }
        boolean wasTraining = network.isTraining();
        network.train(false);
        boolean logits = network.loss().kind() == Loss.Kind.BCE_WITH_LOGITS;
        try (Batches batches = new Batches(data, batchSize, 0)) {
            batches.startInOrder();
            while (batches.hasNext()) {
                Batch b = batches.next();
                Tensor out;
                if (data.hasLabels() != network.loss().usesLabels()) {   // e.g. labels scored by an mse network
                    out = network.predict(b.features());
                    e.lossSum = Double.NaN;
                } else {
                    e.lossSum += (double) (data.hasLabels() ? network.forward(b.features(), b.labels())
                            : network.forward(b.features(), b.targets())) * b.size();
                    out = network.output();
                }
                Tensor targets = data.hasLabels() ? null : b.targets();
                InUse.acquire(out, targets);   // held while read: a network closed by another thread is an exception
                try {
                    FloatBuffer o = InUse.buffer(out);
                    FloatBuffer t = targets == null ? null : InUse.buffer(targets);
                    int c = out.cols();
                    for (int i = 0; i < b.size(); i++) {
                        if (e.kind == Kind.MULTICLASS) {
                            e.addScores(b.labels().get(i), o, i * c, c);
                        } else if (e.kind == Kind.BINARY) {
                            for (int j = 0; j < c; j++) {
                                double v = o.get(i * c + j);
                                e.addBinary(t.get(i * c + j) >= 0.5f ? 1 : 0, logits ? 1 / (1 + Math.exp(-v)) : v);
                            }
                        } else {
                            e.addRegression(t, o, i * c);
                        }
                    }
                } finally {
                    InUse.release(out, targets);
                }
            }
        } finally {
            network.train(wasTraining);
        }
        return e;
    }

    /** Which metrics apply. */
    public Kind kind() { return kind; }

    /** Counts one classified sample (multiclass or binary; top-k accuracy does not count it). */
    public void add(int actual, int predicted) {
        requireClasses();
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

    /** Counts one multiclass sample from the network's scores (logits or probabilities), one per class. */
    public void addScores(int actual, float[] scores) {
        addScores(actual, FloatBuffer.wrap(scores), 0, scores.length);
    }

    private void addScores(int actual, FloatBuffer b, int from, int n) {
        if (kind != Kind.MULTICLASS) {
            throw new IllegalStateException("scores per class are for a multiclass evaluation, this is " + kind);
        }
        if (n != classes()) {
            throw new IllegalArgumentException(n + " scores for " + classes() + " classes");
        }
        add(actual, argmax(b, from, n));
        float t = b.get(from + actual);
        int rank = 0;   // the classes that outrank the true one
        for (int j = 0; j < n; j++) {
            float v = b.get(from + j);
            boolean tie = v == t || (Float.isNaN(v) && Float.isNaN(t));
            if (v > t || (Float.isNaN(t) && !Float.isNaN(v)) || (tie && j < actual)) {
                rank++;
            }
        }
        if (rank < rankCount.length) {
            rankCount[rank]++;
        }
        ranked++;
    }

    /**
     * Counts one binary decision: {@code actual} 0 or 1, {@code probability} the network's probability of 1
     * (predicted 1 when {@code >= 0.5}).
     */
    public void addBinary(int actual, double probability) {
        if (kind != Kind.BINARY) {
            throw new IllegalStateException("a binary decision needs a binary evaluation, this is " + kind);
        }
        if (actual != 0 && actual != 1) {
            throw new IllegalArgumentException("a binary class is 0 or 1, got " + actual);
        }
        add(actual, probability >= 0.5 ? 1 : 0);
        if (actual == 1) {
            positiveScores = grow(positiveScores, positives);
            positiveScores[positives++] = probability;
        } else {
            negativeScores = grow(negativeScores, negatives);
            negativeScores[negatives++] = probability;
        }
    }

    private static double[] grow(double[] a, int n) {
        return n < a.length ? a : Arrays.copyOf(a, (int) Math.min(2L * a.length, Integer.MAX_VALUE - 8));
    }

    /** Counts one regression sample: its targets and the network's outputs, one per output. */
    public void addRegression(float[] targets, float[] predictions) {
        if (targets.length != outputs || predictions.length != outputs) {
            throw new IllegalArgumentException(targets.length + " targets and " + predictions.length
                    + " predictions for an evaluation of " + outputs + " outputs");
        }
        addRegression(FloatBuffer.wrap(targets), FloatBuffer.wrap(predictions), 0);
    }

    private void addRegression(FloatBuffer targets, FloatBuffer predictions, int from) {
        requireRegression();
        long n = ++total;   // samples so far, this one included
        for (int j = 0; j < outputs; j++) {
            double y = targets.get(from + j);
            double d = y - targetMean[j];
            targetMean[j] += d / n;
            targetM2[j] += d * (y - targetMean[j]);
            double err = predictions.get(from + j) - y;
            squaredError[j] += err * err;
            absoluteError[j] += Math.abs(err);
        }
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

    /** The classes (0 for regression). */
    public int classes() { return classNames.size(); }
    public List<String> classNames() { return classNames; }
    /** Samples counted (binary: decisions). */
    public long count() { return total; }

    /** The mean loss over the samples (NaN if not computed). */
    public double loss() { return total == 0 ? Double.NaN : lossSum / total; }

    /**
     * The confusion matrix, {@code [actual][predicted]}, as a new dense array.
     * @throws IllegalStateException for more than {@value #MAX_DENSE_CLASSES} classes (read {@link #count} instead)
     */
    public long[][] confusionMatrix() {
        requireClasses();
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
        requireClasses();
        long right = 0;
        for (long c : correct) {
            right += c;
        }
        return total == 0 ? 0 : (double) right / total;
    }

    /** Samples whose true class is {@code k}. */
    public long support(int k) {
        requireClasses();
        return support[k];
    }

    public double precision(int k) {
        requireClasses();
        long p = predictedAs[k];
        return p == 0 ? 0 : (double) correct[k] / p;
    }

    public double recall(int k) {
        requireClasses();
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
        requireClasses();
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
        requireClasses();
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

    /**
     * The share of multiclass samples whose true class is among the {@code k} highest scores (every
     * sample for {@code k >= classes}); counts only samples added with their scores.
     * @throws IllegalArgumentException for {@code k < 1}, or k above {@value #MAX_TOP_K} and below the class count
     */
    public double topKAccuracy(int k) {
        if (kind != Kind.MULTICLASS) {
            throw new IllegalStateException("top-k accuracy is for a multiclass evaluation, this is " + kind);
        }
        if (k < 1 || (k > MAX_TOP_K && k < classes())) {
            throw new IllegalArgumentException("top-k accuracy for k from 1 to " + MAX_TOP_K + " (or >= the "
                    + classes() + " classes), got " + k);
        }
        if (ranked == 0 || k >= classes()) {
            return ranked == 0 ? Double.NaN : 1;
        }
        long in = 0;
        for (int r = 0; r < k; r++) {
            in += rankCount[r];
        }
        return (double) in / ranked;
    }

    /**
     * The area under the ROC curve of a binary evaluation: the probability that a random positive scores
     * above a random negative, ties counting one half; NaN unless both classes occur.
     */
    public double rocAuc() {
        if (kind != Kind.BINARY) {
            throw new IllegalStateException("ROC AUC is for a binary evaluation, this is " + kind);
        }
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double[] pos = Arrays.copyOf(positiveScores, positives);
        double[] neg = Arrays.copyOf(negativeScores, negatives);
        Arrays.sort(pos);
        Arrays.sort(neg);
        double wins = 0;   // for each positive: negatives below it, plus half of those equal
        int below = 0;
        int upTo = 0;
        for (double p : pos) {
            while (below < neg.length && neg[below] < p) {
                below++;
            }
            upTo = Math.max(upTo, below);
            while (upTo < neg.length && neg[upTo] == p) {
                upTo++;
            }
            wins += below + 0.5 * (upTo - below);
        }
        return wins / ((double) positives * negatives);
    }

    /** Outputs of a regression evaluation. */
    public int outputs() { return outputs; }

    /** Mean squared error of output {@code j}. */
    public double mse(int j) { return perOutput(j, squaredError) / total; }

    /** Root mean squared error of output {@code j}. */
    public double rmse(int j) { return Math.sqrt(mse(j)); }

    /** Mean absolute error of output {@code j}. */
    public double mae(int j) { return perOutput(j, absoluteError) / total; }

    /** R² of output {@code j}: {@code 1 − SS_res / SS_tot}; NaN when its targets are constant. */
    public double r2(int j) {
        double ssRes = perOutput(j, squaredError);
        return targetM2[j] > 0 ? 1 - ssRes / targetM2[j] : Double.NaN;
    }

    /** The mean over the outputs of {@link #mse(int)}. */
    public double mse() { return overall(0); }

    /** The mean over the outputs of {@link #rmse(int)}, as scikit-learn's uniform average. */
    public double rmse() { return overall(1); }

    /** The mean over the outputs of {@link #mae(int)}. */
    public double mae() { return overall(2); }

    /** The mean over the outputs of {@link #r2(int)}. */
    public double r2() { return overall(3); }

    private double overall(int which) {
        requireRegression();
        double s = 0;
        for (int j = 0; j < outputs; j++) {
            s += which == 0 ? mse(j) : which == 1 ? rmse(j) : which == 2 ? mae(j) : r2(j);
        }
        return s / outputs;
    }

    private double perOutput(int j, double[] sums) {
        requireRegression();
        if (j < 0 || j >= outputs) {
            throw new IllegalArgumentException("output " + j + " out of range [0, " + outputs + ")");
        }
        return total == 0 ? Double.NaN : sums[j];
    }

    /**
     * MSE, RMSE, MAE and R² per output, named by {@code names} (one per output; null: output_0, …),
     * and their averages when there are several outputs.
     */
    public String regressionTable(List<String> names) {
        requireRegression();
        if (names != null && names.size() != outputs) {
            throw new IllegalArgumentException(names.size() + " names for " + outputs + " outputs");
        }
        int w = 7;
        for (int j = 0; names != null && j < outputs; j++) {
            w = Math.max(w, names.get(j).length());
        }
        String row = "%-" + w + "s %12s %12s %12s %9s%n";
        String num = "%-" + w + "s %12.6g %12.6g %12.6g %9.4f%n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, row, "target", "mse", "rmse", "mae", "r2"));
        for (int j = 0; j < outputs; j++) {
            sb.append(String.format(Locale.ROOT, num, names != null ? names.get(j) : "output_" + j, mse(j), rmse(j), mae(j), r2(j)));
        }
        if (outputs > 1) {
            sb.append(String.format(Locale.ROOT, num, "overall", mse(), rmse(), mae(), r2()));
        }
        return sb.toString();
    }

    private void requireClasses() {
        if (kind == Kind.REGRESSION) {
            throw new IllegalStateException("a regression evaluation has no classes: read mse, rmse, mae and r2");
        }
    }

    private void requireRegression() {
        if (kind != Kind.REGRESSION) {
            throw new IllegalStateException("a " + kind.name().toLowerCase(Locale.ROOT) + " evaluation has no "
                    + "regression metrics: read accuracy, precision, recall and f1");
        }
    }

    /** The figures that fit the kind: accuracy and the tables, or the regression table. */
    @Override
    public String toString() {
        if (kind == Kind.REGRESSION) {
            return String.format(Locale.ROOT, "%d samples%n", total) + regressionTable(null);
        }
        return String.format(Locale.ROOT, "accuracy %.2f%% (%d samples)%s%n", 100 * accuracy(), total,
                kind == Kind.BINARY ? String.format(Locale.ROOT, ", ROC AUC %.4f", rocAuc()) : "")
                + confusionTable() + "\n" + classTable();
    }
}
