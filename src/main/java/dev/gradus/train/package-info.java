// SPDX-License-Identifier: Apache-2.0
/**
 * The training loop: {@link dev.gradus.train.Trainer} runs epochs of seeded mini-batches through a
 * {@code Network} and an {@code Optimizer} as a {@link dev.gradus.train.TrainConfig} says, with an
 * optional validation split, learning-rate schedule, gradient clipping and early stopping; it reports to
 * {@link dev.gradus.train.TrainingListener}s ({@link dev.gradus.train.ConsoleLog} prints the familiar
 * "Iteration: i Loss: x" lines and one line per epoch) and returns a {@link dev.gradus.train.History}.
 * {@link dev.gradus.train.Evaluation} scores a classifier: accuracy, confusion matrix, per-class
 * precision, recall and F1.
 *
 * <p>Same seed, same backend and same thread count give bit-identical parameters: shuffling depends only
 * on (seed, epoch), and every kernel is deterministic.
 */
package dev.gradus.train;
