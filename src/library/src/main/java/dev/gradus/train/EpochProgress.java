// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

/**
 * The running figures of an epoch stopped in the middle ({@link Trainer#epochProgress()}): the sum of
 * batch-mean loss × batch size, the correctly classified samples, the samples seen and the training
 * seconds spent. A checkpoint that saves them beside the {@link Position} and hands them to
 * {@link Trainer#resume(Position, History, EpochProgress)} makes the resumed epoch report the same loss
 * and accuracy as an uninterrupted one; without them the epoch's figures cover only the batches after
 * the resume. All zero ({@link #NONE}) at an epoch boundary.
 */
public record EpochProgress(double lossSum, long correct, long samples, double seconds) {
    public static final EpochProgress NONE = new EpochProgress(0, 0, 0, 0);

    public EpochProgress {
        if (!Double.isFinite(lossSum) || correct < 0 || samples < 0 || correct > samples || !(seconds >= 0)
                || !Double.isFinite(seconds)) {
            throw new IllegalArgumentException("invalid epoch progress: loss sum " + lossSum + ", correct " + correct
                    + ", samples " + samples + ", seconds " + seconds);
        }
    }
}
