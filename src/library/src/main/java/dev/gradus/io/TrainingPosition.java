// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

/**
 * Where a training run stands, for {@code train --resume}: the next batch is batch {@code batch}
 * (from 0) of epoch {@code epoch} (from 0), after {@code step} optimizer steps in all; {@code seed}
 * is the shuffling seed (each epoch's order derives from it and the epoch number), {@code dropoutStep}
 * the network's dropout counter (its masks derive from it).
 */
public record TrainingPosition(int epoch, int batch, long step, long seed, long dropoutStep) {
    public TrainingPosition {
        if (epoch < 0 || batch < 0 || step < 0 || dropoutStep < 0) {
            throw new IllegalArgumentException("training position must be non-negative, got epoch " + epoch
                    + ", batch " + batch + ", step " + step + ", dropout step " + dropoutStep);
        }
    }
}
