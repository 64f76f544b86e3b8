// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.train.EpochResult;
import dev.gradus.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows training as it goes. On a terminal ({@link Style#BAR}): one progress bar per epoch, redrawn
 * in place at most ten times a second, with steps, running loss, samples/s and ETA, and left as a
 * summary line when the epoch ends. Otherwise ({@link Style#LINES}): one plain line per epoch, so logs
 * and pipes get no carriage returns.
 */
final class ProgressListener implements TrainingListener {
    enum Style { BAR, LINES }

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 28;

    private final PrintWriter out;
    private final Style style;
    private int epochs;
    private int batches;
    private long epochStart;
    private long lastDraw;
    private double lossSum;
    private long samples;
    private int done;

    ProgressListener(PrintWriter out, Style style) {
        this.out = out;
        this.style = style;
    }

    /** BAR when stdout is a terminal, LINES otherwise. */
    static Style detect() {
        return System.console() != null ? Style.BAR : Style.LINES;
    }

    @Override
    public void onStart(Plan plan) {
        epochs = plan.epochs();
        batches = plan.batchesPerEpoch();
        long dropped = plan.trainSamples() - (long) batches * plan.batchSize();
        out.printf(Locale.ROOT, "training on %,d samples (%,d batches of %d per epoch%s)%s%n", plan.trainSamples(),
                batches, plan.batchSize(), dropped > 0 ? String.format(Locale.ROOT, ", %,d dropped", dropped) : "",
                plan.validationSamples() > 0
                        ? String.format(Locale.ROOT, ", validating on %,d after each epoch", plan.validationSamples()) : "");
        out.flush();
    }

    @Override
    public void onEpochStart(int epoch) {
        epochStart = System.nanoTime();
        lastDraw = 0;
        lossSum = 0;
        samples = 0;
        done = 0;
    }

    @Override
    public void onStep(int epoch, int iteration, long step, float loss, int batchSamples) {
        lossSum += (double) loss * batchSamples;
        samples += batchSamples;
        done = iteration + 1;
        if (style == Style.BAR) {
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS || done == batches) {
                lastDraw = now;
                draw(epoch, now);
            }
        }
    }

    private void draw(int epoch, long now) {
        double seconds = (now - epochStart) * 1e-9;
        double rate = seconds > 0 ? samples / seconds : 0;
        double eta = done > 0 ? seconds * (batches - done) / done : 0;
        int filled = batches == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * done / batches);
        StringBuilder bar = new StringBuilder(BAR_WIDTH);
        for (int i = 0; i < BAR_WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        out.printf(Locale.ROOT, "\repoch %d/%d [%s] %d/%d  loss %.4f  %,.0f samples/s  ETA %s ", epoch + 1, epochs, bar,
                done, batches, samples == 0 ? Double.NaN : lossSum / samples, rate, clock(eta));
        out.flush();
    }

    @Override
    public void onEpochEnd(EpochResult r) {
        if (style == Style.BAR) {
            out.print("\r\033[2K");   // clear the bar; the summary line replaces it
        }
        out.println(epochLine(r, epochs));
        out.flush();
    }

    /** {@code epoch 3/8  loss 0.1234  acc 96.10%  val loss 0.1500  val acc 95.40%  1.2 s  41,000 samples/s}. */
    static String epochLine(EpochResult r, int epochs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f", r.epoch() + 1, epochs, r.trainLoss()));
        if (!Double.isNaN(r.trainAccuracy())) {
            sb.append(String.format(Locale.ROOT, "  acc %.2f%%", 100 * r.trainAccuracy()));
        }
        if (r.hasValidation()) {
            sb.append(String.format(Locale.ROOT, "  val loss %.4f", r.validationLoss()));
            if (!Double.isNaN(r.validationAccuracy())) {
                sb.append(String.format(Locale.ROOT, "  val acc %.2f%%", 100 * r.validationAccuracy()));
            }
        }
        sb.append(String.format(Locale.ROOT, "  %.1f s  %,.0f samples/s", r.seconds(), r.samplesPerSecond()));
        return sb.toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
