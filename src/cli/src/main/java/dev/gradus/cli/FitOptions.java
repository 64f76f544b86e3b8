// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.Loss;
import dev.gradus.optim.GradientClipping;
import dev.gradus.optim.LrSchedule;
import dev.gradus.train.EarlyStopping;
import dev.gradus.train.ScheduleUnit;
import dev.gradus.train.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How {@code train} fits, beyond the network and the optimizer: the validation split, early stopping,
 * the learning-rate schedule, gradient clipping and whether the last partial batch is dropped. A checkpoint stores them ({@link #toInfo}) and a
 * resumed run takes them from it ({@link #fromInfo}).
 */
final class FitOptions {
    /** The flags a resumed run takes from its checkpoint. */
    static final String[] FLAGS = {"--val-split", "--early-stopping", "--early-stopping-metric", "--min-delta",
            "--schedule", "--warmup", "--clip-norm", "--clip-value", "--drop-last"};
    private static final String KEY = "fit";

    @Option(names = "--val-split", paramLabel = "F", defaultValue = "0",
            description = "Hold out this share of the training data (stratified by class) to validate on after each "
                    + "epoch: it drives --early-stopping and the val_ columns; the test data is used once, at the end. "
                    + "Default: ${DEFAULT-VALUE} (no validation).")
    double valSplit;

    @Option(names = "--early-stopping", paramLabel = "PATIENCE", defaultValue = "0",
            description = "Stop after PATIENCE epochs in which --early-stopping-metric did not improve by more than "
                    + "--min-delta, and restore the best epoch's weights. Default: ${DEFAULT-VALUE} (off).")
    int patience;

    @Option(names = "--early-stopping-metric", paramLabel = "NAME", defaultValue = "val_loss",
            description = "What --early-stopping watches, as the history.csv column: val_loss, train_loss (lower is "
                    + "better), val_accuracy, train_accuracy (higher is better; cross_entropy only). A val_ metric watches "
                    + "the training figure without --val-split. Default: ${DEFAULT-VALUE}.")
    String metric;

    @Option(names = "--min-delta", paramLabel = "D", defaultValue = "0",
            description = "With --early-stopping: the least change of the metric that counts as improving. "
                    + "Default: ${DEFAULT-VALUE}.")
    double minDelta;

    @Option(names = "--schedule", paramLabel = "SPEC", defaultValue = "constant",
            description = "The learning rate per epoch, as torch.optim.lr_scheduler: constant, step:SIZE[:GAMMA] (StepLR, "
                    + "gamma 0.1), exponential:GAMMA (ExponentialLR), cosine[:T_MAX[:ETA_MIN]] (CosineAnnealingLR, "
                    + "T_MAX the epochs, ETA_MIN 0). Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--warmup", paramLabel = "EPOCHS", defaultValue = "0",
            description = "Linear warm-up from 1/3 of the rate over this many epochs before --schedule (LinearLR, "
                    + "start_factor 1/3). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--clip-norm", paramLabel = "MAX",
            description = "Scale the gradient down to this global L2 norm when it is larger (clip_grad_norm_). Default: off.")
    Float clipNorm;

    @Option(names = "--clip-value", paramLabel = "V",
            description = "Clamp every gradient element to [-V, V] (clip_grad_value_). Default: off.")
    Float clipValue;

    @Option(names = "--drop-last",
            description = "Skip each epoch's last batch when it is smaller than --batch (PyTorch's drop_last; batchnorm "
                    + "cannot train on a batch of one sample). Validation and test see every sample. Default: off.")
    boolean dropLast;

    /** The training config for {@code epochs} epochs of {@code batch} from {@code seed} with {@code loss}, checked. */
    TrainConfig config(int epochs, int batch, long seed, Loss loss) {
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new IllegalArgumentException("--val-split must be in [0, 1), got " + valSplit);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("--early-stopping must be >= 0 epochs, got " + patience);
        }
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("--min-delta must be finite and >= 0, got " + minDelta);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0 epochs, got " + warmup);
        }
        if (clipNorm != null && clipValue != null) {
            throw new IllegalArgumentException("give --clip-norm or --clip-value, not both");
        }
        if (clipNorm != null && !(clipNorm > 0 && Float.isFinite(clipNorm))) {
            throw new IllegalArgumentException("--clip-norm must be a finite number > 0, got " + clipNorm);
        }
        if (clipValue != null && !(clipValue > 0 && Float.isFinite(clipValue))) {
            throw new IllegalArgumentException("--clip-value must be a finite number > 0, got " + clipValue);
        }
        EarlyStopping.Metric m;
        try {
            m = EarlyStopping.Metric.parse(metric);
            new EarlyStopping(1, 0, m).check(loss);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--early-stopping-metric: " + e.getMessage(), e);
        }
        TrainConfig c = TrainConfig.of(epochs, batch, seed).withDropLast(dropLast);
        if (patience > 0) {
            c = c.withEarlyStopping(new EarlyStopping(patience, minDelta, m));
        }
        if (clipNorm != null) {
            c = c.withClipping(GradientClipping.byNorm(clipNorm));
        } else if (clipValue != null) {
            c = c.withClipping(GradientClipping.byValue(clipValue));
        }
        LrSchedule s = schedule(epochs);
        if (warmup > 0) {
            s = LrSchedule.warmup(warmup, 1.0 / 3, s);
        }
        return s instanceof LrSchedule.Constant ? c : c.withSchedule(s, ScheduleUnit.EPOCH);
    }

    private LrSchedule schedule(int epochs) {
        String[] p = schedule.toLowerCase(Locale.ROOT).split(":", -1);
        try {
            switch (p[0]) {
                case "constant":
                    if (p.length == 1) {
                        return LrSchedule.constant();
                    }
                    break;
                case "step":
                    if (p.length == 2 || p.length == 3) {
                        return LrSchedule.step(Long.parseLong(p[1]), p.length == 3 ? Double.parseDouble(p[2]) : 0.1);
                    }
                    break;
                case "exponential":
                    if (p.length == 2) {
                        return LrSchedule.exponential(Double.parseDouble(p[1]));
                    }
                    break;
                case "cosine":
                    if (p.length <= 3) {
                        return LrSchedule.cosine(p.length > 1 ? Long.parseLong(p[1]) : Math.max(1, epochs - warmup),
                                p.length > 2 ? Double.parseDouble(p[2]) : 0);
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--schedule '" + schedule + "': " + e.getMessage() + " is not a number");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--schedule '" + schedule + "': " + e.getMessage());
        }
        throw new IllegalArgumentException("unknown --schedule '" + schedule
                + "' (known: constant, step:SIZE[:GAMMA], exponential:GAMMA, cosine[:T_MAX[:ETA_MIN]])");
    }

    /** These settings as checkpoint metadata. */
    void toInfo(Map<String, String> info) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("val_split", Double.toString(valSplit));
        m.put("early_stopping", Integer.toString(patience));
        m.put("early_stopping_metric", metric);
        m.put("min_delta", Double.toString(minDelta));
        m.put("schedule", schedule);
        m.put("warmup", Integer.toString(warmup));
        m.put("clip_norm", clipNorm == null ? "" : Float.toString(clipNorm));
        m.put("clip_value", clipValue == null ? "" : Float.toString(clipValue));
        m.put("drop_last", Boolean.toString(dropLast));
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append('=').append(v));
        info.put(KEY, sb.toString());
    }

    /**
     * The settings of a checkpoint's run ({@link #toInfo}) with {@code loss}; a checkpoint without them ran with
     * the defaults.
     */
    void fromInfo(Map<String, String> info, Object checkpoint, Loss loss) {
        String text = info.get(KEY);
        if (text == null) {
            return;
        }
        try {
            for (String pair : text.split(";", -1)) {
                int eq = pair.indexOf('=');
                String k = pair.substring(0, eq);
                String v = pair.substring(eq + 1);
                switch (k) {
                    case "val_split" -> valSplit = Double.parseDouble(v);
                    case "early_stopping" -> patience = Integer.parseInt(v);
                    case "early_stopping_metric" -> metric = v;
                    case "min_delta" -> minDelta = Double.parseDouble(v);
                    case "schedule" -> schedule = v;
                    case "warmup" -> warmup = Integer.parseInt(v);
                    case "clip_norm" -> clipNorm = v.isEmpty() ? null : Float.parseFloat(v);
                    case "clip_value" -> clipValue = v.isEmpty() ? null : Float.parseFloat(v);
                    case "drop_last" -> dropLast = parseBoolean(v);
                    default -> throw new IllegalArgumentException("unknown setting '" + k + "'");
                }
            }
            config(warmup + 1, 1, 0, loss);   // checked here, so that a bad value names the checkpoint
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(checkpoint + ": metadata '" + KEY + "' is unreadable ('" + text + "'): "
                    + e.getMessage());
        }
    }

    private static boolean parseBoolean(String v) {
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + v + "' is not true or false");
        };
    }
}
