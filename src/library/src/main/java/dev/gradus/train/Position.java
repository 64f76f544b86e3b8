// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

/**
 * Where training stands, for checkpoints: the next batch to run is batch {@code batch} of epoch
 * {@code epoch}, and {@code step} iterations have run. Because each epoch's shuffle depends only on
 * (seed, epoch), this is the whole data-order state: restore the parameters, the optimizer state and
 * the network's dropout step, then {@link Trainer#resume(Position, History)}.
 */
public record Position(int epoch, int batch, long step) {
    public static final Position START = new Position(0, 0, 0);

    public Position {
        if (epoch < 0 || batch < 0 || step < 0) {
            throw new IllegalArgumentException("position fields must be >= 0, got " + epoch + "/" + batch + "/" + step);
        }
    }
}
