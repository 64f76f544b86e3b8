// SPDX-License-Identifier: Apache-2.0
/**
 * Data for training: an in-memory {@link dev.gradus.data.Dataset} (features in one off-heap tensor,
 * integer labels or float targets), seeded mini-batching that allocates nothing per step
 * ({@link dev.gradus.data.Batches}), and loaders for MNIST-style IDX files ({@link dev.gradus.data.MnistIdx})
 * and numeric CSV files ({@link dev.gradus.data.CsvDataset}).
 *
 * <p>A malformed file throws {@link dev.gradus.data.MalformedDataException}, whose message names the file,
 * where in it (byte offset or line and column) and what was wrong.
 */
package dev.gradus.data;
