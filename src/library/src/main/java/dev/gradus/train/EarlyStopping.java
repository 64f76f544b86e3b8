// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import dev.gradus.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stop when the monitored {@link Metric} has not improved by more than {@code minDelta} for
 * {@code patience} epochs in a row, as Keras' {@code EarlyStopping(monitor, patience, min_delta,
 * restore_best_weights=True)}: when training ends, by stopping early or by running out of epochs, the
 * parameters of the best epoch are restored. A loss improves by falling, an accuracy by rising.
 *
 * @param patience epochs without improvement before stopping, at least 1
 * @param minDelta an improvement must change the metric by more than this, {@code >= 0}
 * @param metric   what is watched; accuracies need a loss with class labels ({@link #check(Loss)})
 */
public record EarlyStopping(int patience, double minDelta, Metric metric) {

    /**
     * An epoch figure early stopping can watch, named as its {@link History#COLUMNS} column. A
     * validation metric watches the training figure when there is no validation set.
     */
    public enum Metric {
        VAL_LOSS, VAL_ACCURACY, TRAIN_LOSS, TRAIN_ACCURACY;

        /** The name, as the history column: {@code val_loss}, {@code val_accuracy}, ... */
        public String label() { return name().toLowerCase(Locale.ROOT); }

        /** True for the accuracies, which improve by rising; the losses improve by falling. */
        public boolean maximizes() { return this == VAL_ACCURACY || this == TRAIN_ACCURACY; }

        /** The metric's value in {@code r} (a validation metric's training figure when {@code r} has no validation). */
        public double of(EpochResult r) {
            boolean val = r.hasValidation() && (this == VAL_LOSS || this == VAL_ACCURACY);
            if (maximizes()) {
                return val ? r.validationAccuracy() : r.trainAccuracy();
            }
            return val ? r.validationLoss() : r.trainLoss();
        }

        /** True when {@code value} beats {@code best} by more than {@code minDelta} (NaN never does). */
        boolean improves(double value, double best, double minDelta) {
            return maximizes() ? value > best + minDelta : value < best - minDelta;
        }

        /** The metrics a run with {@code loss} computes: accuracies only with class labels (cross-entropy). */
        public static List<Metric> validFor(Loss loss) {
            List<Metric> valid = new ArrayList<>();
            for (Metric m : values()) {
                if (!m.maximizes() || loss.usesLabels()) {
                    valid.add(m);
                }
            }
            return valid;
        }

        /** The metric named {@code name} ({@link #label()}, any case). */
        public static Metric parse(String name) {
            for (Metric m : values()) {
                if (m.label().equalsIgnoreCase(name.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown early-stopping metric '" + name + "' (known: " + labels(List.of(values()))
                    + ")");
        }
    }

    public EarlyStopping {
        if (patience < 1) {
            throw new IllegalArgumentException("early-stopping patience must be at least 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("early-stopping min delta must be finite and >= 0, got " + minDelta);
        }
        if (metric == null) {
            throw new IllegalArgumentException("early-stopping metric must not be null");
        }
    }

    /** Watches the validation loss (the training loss without a validation set). */
    public EarlyStopping(int patience, double minDelta) {
        this(patience, minDelta, Metric.VAL_LOSS);
    }

    /**
     * Checks that a run with {@code loss} computes the metric.
     *
     * @param loss the network's loss
     * @throws IllegalArgumentException naming the metric, the loss and the valid metrics, e.g. an accuracy for {@code mse}
     */
    public void check(Loss loss) {
        if (!Metric.validFor(loss).contains(metric)) {
            throw new IllegalArgumentException("early-stopping metric " + metric.label() + " needs class labels, but loss "
                    + loss + " has none (valid for " + loss + ": " + labels(Metric.validFor(loss)) + ")");
        }
    }

    private static String labels(List<Metric> metrics) {
        return String.join(", ", metrics.stream().map(Metric::label).toList());
    }
}
