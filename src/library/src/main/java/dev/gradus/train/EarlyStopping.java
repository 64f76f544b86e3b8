// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

/**
 * Stop when the monitored loss (the validation loss, or the training loss when there is no validation
 * set) has not improved by more than {@code minDelta} for {@code patience} epochs in a row, as Keras'
 * {@code EarlyStopping(patience, min_delta, restore_best_weights=True)}: when training ends, by stopping
 * early or by running out of epochs, the parameters of the best epoch are restored.
 *
 * @param patience epochs without improvement before stopping, at least 1
 * @param minDelta an improvement must lower the loss by more than this, {@code >= 0}
 */
public record EarlyStopping(int patience, double minDelta) {
    public EarlyStopping {
        if (patience < 1) {
            throw new IllegalArgumentException("early-stopping patience must be at least 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("early-stopping min delta must be finite and >= 0, got " + minDelta);
        }
    }
}
