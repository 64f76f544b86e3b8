// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.backend.internal.InUse;

/**
 * Mini-batches over a {@link Dataset}, gathered into tensors allocated once. Each epoch starts with
 * {@link #startEpoch(int)} (samples in the seeded order of {@link Permutation} for {@code (seed, epoch)},
 * so the order depends on nothing but the seed and the epoch index) or {@link #startInOrder()} (dataset
 * order, for evaluation). Then {@code while (hasNext()) next()}. A steady-state {@code next()} allocates
 * nothing: the index array, the batch tensors and the last partial batch's row views are made in the
 * constructor.
 *
 * <pre>{@code
 * try (Batches batches = new Batches(train, 64, seed)) {
 *     for (int epoch = 0; epoch < epochs; epoch++) {
 *         batches.startEpoch(epoch);
 *         while (batches.hasNext()) {
 *             Batch b = batches.next();
 *             float loss = network.forward(b.features(), b.labels());
 *             ...
 *         }
 *     }
 * }}</pre>
 *
 * <p>The dataset stays owned by the caller and must stay open while batches are drawn.
 */
public final class Batches implements AutoCloseable {
    private final Dataset data;
    private final int batchSize;
    private final long seed;
    private final boolean dropLast;
    private final int[] order;
    private final Batch full;
    private final Batch last;      // the smaller final batch, or null when batchSize divides n
    private final Tensor batchFeatures;
    private final Labels batchLabels;
    private final Tensor batchTargets;
    private int next;              // index of the next batch in this epoch
    private boolean started;

    /**
     * Every sample in every epoch: the last batch is smaller when {@code batchSize} does not divide the dataset.
     * @param batchSize samples per batch, at least 1; capped at the dataset's size
     * @param seed      the shuffling seed
     */
    public Batches(Dataset data, int batchSize, long seed) {
        this(data, batchSize, seed, false);
    }

    /**
     * @param batchSize samples per batch, at least 1; capped at the dataset's size
     * @param seed      the shuffling seed
     * @param dropLast  every batch full: an epoch skips the {@code n % batchSize} samples its order puts last
     *                  (PyTorch's {@code drop_last}); shuffled epochs skip different samples each time
     */
    public Batches(Dataset data, int batchSize, long seed, boolean dropLast) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot batch an empty dataset");
        }
        this.data = data;
        this.batchSize = Math.min(batchSize, data.size());
        this.seed = seed;
        this.dropLast = dropLast;
        this.order = new int[data.size()];
        int b = this.batchSize;
        batchFeatures = Tensor.allocate(b, data.featureCount());
        batchLabels = data.hasLabels() ? Labels.allocate(b) : null;
        batchTargets = data.hasLabels() ? null : Tensor.allocate(b, data.targetCount());
        full = new Batch(batchFeatures, batchLabels, batchTargets);
        int rest = data.size() % b;
        last = rest == 0 || dropLast ? null : new Batch(batchFeatures.rows(0, rest),
                batchLabels == null ? null : batchLabels.range(0, rest),
                batchTargets == null ? null : batchTargets.rows(0, rest));
    }

    /** Samples per full batch (the requested size, capped at the dataset's size). */
    public int batchSize() { return batchSize; }

    /** Batches per epoch: {@code ceil(n / batchSize)}, or {@code floor(n / batchSize)} when the last is dropped. */
    public int count() { return dropLast ? data.size() / batchSize : (data.size() + batchSize - 1) / batchSize; }

    /** Whether an epoch drops its last batch when it would be smaller than the others. */
    public boolean dropsLast() { return dropLast; }

    /** The shuffling seed. */
    public long seed() { return seed; }

    /** Starts an epoch in the seeded order for (seed, epoch). */
    public void startEpoch(int epoch) {
        Permutation.fill(order, order.length, seed, epoch);
        next = 0;
        started = true;
    }

    /** Starts a pass in dataset order (no shuffling). */
    public void startInOrder() {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        next = 0;
        started = true;
    }

    /**
     * Skips to batch {@code index} of the current epoch (for resuming from a checkpoint taken mid-epoch):
     * the following {@link #next()} returns that batch.
     */
    public void seek(int index) {
        if (index < 0 || index > count()) {
            throw new IllegalArgumentException("batch index " + index + " out of range [0, " + count() + "]");
        }
        next = index;
    }

    /** Index of the batch the next {@link #next()} returns. */
    public int position() { return next; }

    public boolean hasNext() { return started && next < count(); }

    /** Gathers the next batch into the preallocated tensors and returns it (the same object every time). */
    public Batch next() {
        if (!started) {
            throw new IllegalStateException("call startEpoch(epoch) or startInOrder() before next()");
        }
        if (next >= count()) {
            throw new IllegalStateException("the epoch's " + count() + " batches are used up");
        }
        int from = next * batchSize;
        int size = Math.min(batchSize, order.length - from);
        Batch b = size == batchSize ? full : last;
        // held while read, as kernels hold theirs: a dataset closed by another thread is an exception here
        Tensor features = data.features();
        InUse.acquire(batchFeatures, features);
        try {
            Dataset.gatherRows(InUse.buffer(batchFeatures), InUse.buffer(features), data.featureCount(), order, from, size);
        } finally {
            InUse.release(batchFeatures, features);
        }
        if (batchLabels != null) {
            Labels labels = data.labels();
            InUse.acquire(batchLabels);
            try {
                InUse.acquire(labels);
                try {
                    Dataset.gatherLabels(InUse.buffer(batchLabels), InUse.buffer(labels), order, from, size);
                } finally {
                    InUse.release(labels);
                }
            } finally {
                InUse.release(batchLabels);
            }
        } else {
            Tensor targets = data.targets();
            InUse.acquire(batchTargets, targets);
            try {
                Dataset.gatherRows(InUse.buffer(batchTargets), InUse.buffer(targets), data.targetCount(), order, from, size);
            } finally {
                InUse.release(batchTargets, targets);
            }
        }
        b.index = next;
        next++;
        return b;
    }

    /** Frees the batch tensors (not the dataset). */
    @Override
    public void close() {
        batchFeatures.close();
        if (batchLabels != null) {
            batchLabels.close();
        }
        if (batchTargets != null) {
            batchTargets.close();
        }
    }
}
