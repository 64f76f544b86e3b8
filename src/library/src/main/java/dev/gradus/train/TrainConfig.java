// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import dev.gradus.optim.GradientClipping;
import dev.gradus.optim.LrSchedule;

/**
 * How {@link Trainer} trains. Build from {@link #of(int, int, long)} and the {@code with…} methods;
 * the options a run does not use are null.
 *
 * @param epochs             passes over the training data, at least 1
 * @param batchSize          samples per mini-batch, at least 1 (the last batch of an epoch may be smaller)
 * @param seed               shuffling and validation-split seed
 * @param validationFraction the share of the data held out for validation, in [0, 1); 0 = none (or pass
 *                           a validation set to {@link Trainer#fit(dev.gradus.data.Dataset, dev.gradus.data.Dataset)})
 * @param earlyStopping      null = train all epochs
 * @param clipping           applied to the gradient buffer between backward and the step; null = none
 * @param schedule           sets the optimizer's rate from its rate at the start of {@code fit}; null = constant
 * @param scheduleUnit       what the schedule's step counts; ignored without a schedule
 * @param dropLast           skip each epoch's last batch when it is smaller than {@code batchSize} (PyTorch's
 *                           {@code drop_last}: batchnorm cannot train on a batch of one sample); validation and
 *                           evaluation always see every sample
 */
public record TrainConfig(int epochs, int batchSize, long seed, double validationFraction,
                          EarlyStopping earlyStopping, GradientClipping clipping,
                          LrSchedule schedule, ScheduleUnit scheduleUnit, boolean dropLast) {
    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
        }
        if (scheduleUnit == null) {
            throw new IllegalArgumentException("schedule unit must not be null (EPOCH or ITERATION)");
        }
    }

    /** {@code epochs} epochs of {@code batchSize}, shuffled from {@code seed}; no validation, no extras. */
    public static TrainConfig of(int epochs, int batchSize, long seed) {
        return new TrainConfig(epochs, batchSize, seed, 0, null, null, null, ScheduleUnit.EPOCH, false);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, seed, validationFraction, earlyStopping, clipping, schedule, scheduleUnit,
                dropLast);
    }

    public TrainConfig withValidation(double fraction) {
        return new TrainConfig(epochs, batchSize, seed, fraction, earlyStopping, clipping, schedule, scheduleUnit,
                dropLast);
    }

    public TrainConfig withEarlyStopping(EarlyStopping e) {
        return new TrainConfig(epochs, batchSize, seed, validationFraction, e, clipping, schedule, scheduleUnit,
                dropLast);
    }

    public TrainConfig withClipping(GradientClipping c) {
        return new TrainConfig(epochs, batchSize, seed, validationFraction, earlyStopping, c, schedule, scheduleUnit,
                dropLast);
    }

    public TrainConfig withSchedule(LrSchedule s, ScheduleUnit unit) {
        return new TrainConfig(epochs, batchSize, seed, validationFraction, earlyStopping, clipping, s, unit,
                dropLast);
    }

    public TrainConfig withDropLast(boolean drop) {
        return new TrainConfig(epochs, batchSize, seed, validationFraction, earlyStopping, clipping, schedule, scheduleUnit,
                drop);
    }
}
