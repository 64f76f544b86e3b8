// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints training progress as plain lines: the source tutorial's {@code Iteration: i Loss: x} every
 * {@code every} iterations (0-based global iteration index, so the first line is iteration 0), and one
 * line per epoch:
 * <pre>
 * Epoch 2/5: loss 0.1234, accuracy 96.41%, val_loss 0.1302, val_accuracy 96.10%, 3.21 s, 16,822 samples/s
 * </pre>
 * Samples/s count training time only.
 */
public final class ConsoleLog implements TrainingListener {
    private final PrintStream out;
    private final int every;
    private int epochs;

    /** @param every print an iteration line every this many iterations; 0 = only epoch lines */
    public ConsoleLog(PrintStream out, int every) {
        if (every < 0) {
            throw new IllegalArgumentException("log interval must be >= 0, got " + every);
        }
        this.out = out;
        this.every = every;
    }

    @Override
    public void onStart(Plan plan) {
        epochs = plan.epochs();
    }

    @Override
    public void onStep(int epoch, int iteration, long step, float loss, int samples) {
        if (every > 0 && step % every == 0) {
            out.println(iterationLine(step, loss));
        }
    }

    /** The source tutorial's progress line: {@code Iteration: i Loss: x}. */
    public static String iterationLine(long step, float loss) {
        return "Iteration: " + step + " Loss: " + loss;
    }

    @Override
    public void onEpochEnd(EpochResult r) {
        out.println(epochLine(r, epochs));
    }

    /** The per-epoch line (without a newline). */
    public static String epochLine(EpochResult r, int epochs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Epoch %d/%d: loss %.4f", r.epoch() + 1, epochs, r.trainLoss()));
        if (!Double.isNaN(r.trainAccuracy())) {
            sb.append(String.format(Locale.ROOT, ", accuracy %.2f%%", 100 * r.trainAccuracy()));
        }
        if (r.hasValidation()) {
            sb.append(String.format(Locale.ROOT, ", val_loss %.4f", r.validationLoss()));
            if (!Double.isNaN(r.validationAccuracy())) {
                sb.append(String.format(Locale.ROOT, ", val_accuracy %.2f%%", 100 * r.validationAccuracy()));
            }
        }
        sb.append(String.format(Locale.ROOT, ", %.2f s, %,.0f samples/s", r.seconds(), r.samplesPerSecond()));
        return sb.toString();
    }
}
