// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.train.Evaluation;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints the metrics of an {@link Evaluation} that fit its kind, for {@code train} and {@code evaluate}. */
final class MetricsReport {
    /** Top-k accuracy is printed for this k (or fewer, with fewer classes) when there are more than 2 classes. */
    static final int TOP_K = 5;

    private MetricsReport() {}

    /**
     * Prints the metrics, each line starting with {@code prefix} ("test " or ""), and returns the headline
     * for the summary line: the accuracy, or the regression's overall RMSE and R².
     *
     * @param targets the regression targets' names (one per output), or null
     */
    static String print(PrintWriter o, String prefix, Evaluation e, String lossName, List<String> targets) {
        String headline;
        switch (e.kind()) {
            case REGRESSION -> {
                headline = String.format(Locale.ROOT, "%smse %.6g, rmse %.6g, mae %.6g, r2 %.4f", prefix, e.mse(), e.rmse(),
                        e.mae(), e.r2());
                o.println(headline);
                if (!Double.isNaN(e.loss())) {
                    o.printf(Locale.ROOT, "%sloss %.6g (%s)%n", prefix, e.loss(), lossName);
                }
                o.print(e.regressionTable(targets != null && targets.size() == e.outputs() ? targets : null));
            }
            case BINARY -> {
                headline = accuracy(prefix, e) + " at threshold 0.5";
                o.println(headline);
                o.printf(Locale.ROOT, "%sprecision %.4f, recall %.4f, f1 %.4f (class 1 positive), roc auc %.4f%n", prefix,
                        e.precision(1), e.recall(1), e.f1(1), e.rocAuc());
                o.println("confusion matrix (rows: true class, columns: predicted)");
                o.print(e.confusionTable());
            }
            default -> {
                headline = accuracy(prefix, e);
                o.println(headline);
                if (e.classes() > 2) {
                    int k = Math.min(TOP_K, e.classes() - 1);
                    o.printf(Locale.ROOT, "%stop-%d accuracy %.2f%%%n", prefix, k, 100 * e.topKAccuracy(k));
                }
                o.println("confusion matrix (rows: true class, columns: predicted)");
                o.print(e.confusionTable());
            }
        }
        return headline;
    }

    private static String accuracy(String prefix, Evaluation e) {
        return String.format(Locale.ROOT, "%saccuracy %.2f%% (%d/%d)", prefix, 100 * e.accuracy(),
                Math.round(e.accuracy() * e.count()), e.count());
    }
}
