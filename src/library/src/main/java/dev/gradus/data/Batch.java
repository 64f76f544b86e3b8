// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import dev.gradus.Labels;
import dev.gradus.Tensor;

/**
 * One mini-batch, as handed out by {@link Batches#next()}: preallocated tensors that the next call
 * overwrites. The last batch of an epoch may be smaller ({@link #size()}); its tensors are row views of
 * the full-size ones, made once.
 */
public final class Batch {
    private final Tensor features;
    private final Labels labels;   // null for regression
    private final Tensor targets;  // null for classification
    int index;                     // batch index within the epoch, set by Batches

    Batch(Tensor features, Labels labels, Tensor targets) {
        this.features = features;
        this.labels = labels;
        this.targets = targets;
    }

    /** Samples in this batch. */
    public int size() { return features.rows(); }

    /** Index of this batch within its epoch, from 0. */
    public int index() { return index; }

    /** The features {@code [size, d]}. */
    public Tensor features() { return features; }

    /** True when the batch carries labels (classification). */
    public boolean hasLabels() { return labels != null; }

    /** The labels {@code [size]}; only for classification. */
    public Labels labels() {
        if (labels == null) {
            throw new IllegalStateException("a regression batch has targets, not labels");
        }
        return labels;
    }

    /** The targets {@code [size, t]}; only for regression. */
    public Tensor targets() {
        if (targets == null) {
            throw new IllegalStateException("a classification batch has labels, not targets");
        }
        return targets;
    }
}
