// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import dev.gradus.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The per-epoch record of a training run, in order. Writes itself as CSV or JSON; a missing figure
 * (NaN: no validation set, or accuracy for regression) is an empty CSV field and a JSON {@code null}.
 */
public final class History {
    /** The CSV header, and the JSON keys in the same order. */
    public static final List<String> COLUMNS = List.of("epoch", "steps", "train_loss", "train_accuracy",
            "val_loss", "val_accuracy", "seconds", "samples_per_second", "lr");

    private final List<EpochResult> epochs = new ArrayList<>();

    public History() {}

    /** A history continuing from earlier epochs (e.g. read back from a checkpoint). */
    public History(List<EpochResult> earlier) {
        epochs.addAll(earlier);
    }

    public void add(EpochResult r) {
        epochs.add(r);
    }

    /** The epochs, oldest first (unmodifiable). */
    public List<EpochResult> epochs() { return Collections.unmodifiableList(epochs); }

    public int size() { return epochs.size(); }

    public boolean isEmpty() { return epochs.isEmpty(); }

    public EpochResult last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch has finished yet");
        }
        return epochs.get(epochs.size() - 1);
    }

    /** The epoch with the lowest monitored loss (the first of equals), or null when empty. */
    public EpochResult best() {
        return best(EarlyStopping.Metric.VAL_LOSS);
    }

    /** The epoch where {@code metric} is best, lowest or (an accuracy) highest, the first of equals; null when empty. */
    public EpochResult best(EarlyStopping.Metric metric) {
        EpochResult best = null;
        for (EpochResult r : epochs) {
            if (best == null || metric.improves(metric.of(r), metric.of(best), 0)) {
                best = r;
            }
        }
        return best;
    }

    /** Sum of the epochs' training seconds. */
    public double trainingSeconds() {
        double s = 0;
        for (EpochResult r : epochs) {
            s += r.seconds();
        }
        return s;
    }

    private static Object[] values(EpochResult r) {
        return new Object[] {r.epoch() + 1, r.steps(), r.trainLoss(), r.trainAccuracy(), r.validationLoss(),
                r.validationAccuracy(), r.seconds(), r.samplesPerSecond(), (double) r.learningRate()};
    }

    private static String number(Object v, String missing) {
        if (v instanceof Double d) {
            return Double.isFinite(d) ? Double.toString(d) : missing;
        }
        return v.toString();
    }

    /** CSV with a header line; epochs are numbered from 1, as printed while training. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (EpochResult r : epochs) {
            Object[] v = values(r);
            for (int i = 0; i < v.length; i++) {
                sb.append(i == 0 ? "" : ",").append(number(v[i], ""));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A JSON array of objects keyed by {@link #COLUMNS}; epochs are numbered from 1. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("[");
        for (int e = 0; e < epochs.size(); e++) {
            Object[] v = values(epochs.get(e));
            sb.append(e == 0 ? "\n  {" : ",\n  {");
            for (int i = 0; i < v.length; i++) {
                sb.append(i == 0 ? "" : ", ").append('"').append(COLUMNS.get(i)).append("\": ").append(number(v[i], "null"));
            }
            sb.append('}');
        }
        return sb.append(epochs.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    /**
     * Writes CSV when the name ends in ".csv", JSON otherwise, all or nothing ({@link AtomicFile}): a
     * failure never leaves half a file.
     * @param file where to write
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        AtomicFile.writeString(file, file.toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? toCsv() : toJson());
    }
}
