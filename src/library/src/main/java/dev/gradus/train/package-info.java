// SPDX-License-Identifier: Apache-2.0
/**
 * The training loop: {@link dev.gradus.train.Trainer} runs epochs of seeded mini-batches through a
 * {@code Network} and an {@code Optimizer} as a {@link dev.gradus.train.TrainConfig} says, with an
 * optional validation split, learning-rate schedule, gradient clipping and early stopping; it reports to
 * {@link dev.gradus.train.TrainingListener}s ({@link dev.gradus.train.ConsoleLog} prints the familiar
 * "Iteration: i Loss: x" lines and one line per epoch) and returns a {@link dev.gradus.train.History}.
 * {@link dev.gradus.train.Evaluation} scores a network with the metrics of its loss: accuracy, top-k
 * accuracy, confusion matrix, per-class precision, recall and F1 (multiclass); accuracy, precision,
 * recall, F1 and ROC AUC (binary); MSE, RMSE, MAE and R² (regression).
 *
 * <p>The same seed and backend give bit-identical parameters on a given OpenBLAS kernel, whatever the
 * thread count: shuffling depends only on (seed, epoch), every kernel is deterministic, and the native
 * kernels split their work by its size alone. Another OpenBLAS kernel (another CPU, or
 * {@code OPENBLAS_CORETYPE}) rounds GEMMs differently, within float32's error.
 */
package dev.gradus.train;
