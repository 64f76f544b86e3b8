// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

/**
 * What one epoch did. Losses are sample-weighted means over the epoch's batches; accuracies are
 * fractions in [0, 1] and NaN for regression; validation figures are NaN without a validation set.
 * {@code seconds} and {@code samplesPerSecond} count the training steps only (not validation, not data
 * loading).
 *
 * @param epoch            0-based epoch index
 * @param steps            global iteration count at the end of this epoch
 * @param learningRate     the optimizer's rate during the epoch's last step
 */
public record EpochResult(int epoch, long steps, double trainLoss, double trainAccuracy,
                          double validationLoss, double validationAccuracy,
                          double seconds, double samplesPerSecond, float learningRate) {

    /** The loss early stopping watches: validation loss if there is one, else training loss. */
    public double monitoredLoss() {
        return Double.isNaN(validationLoss) ? trainLoss : validationLoss;
    }

    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }
}
