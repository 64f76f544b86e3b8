// SPDX-License-Identifier: Apache-2.0
/**
 * Optimizers ({@link dev.gradus.optim.Sgd}, {@link dev.gradus.optim.Adagrad},
 * {@link dev.gradus.optim.Rmsprop}, {@link dev.gradus.optim.Adam}, {@link dev.gradus.optim.AdamW}):
 * hyperparameters (the {@code *Config} records) plus state buffers, each as large as the network's
 * contiguous parameter buffer; each step is one {@link dev.gradus.backend.Backend} call, no arithmetic
 * in Java. Also learning-rate schedules ({@link dev.gradus.optim.LrSchedule}) and gradient clipping
 * ({@link dev.gradus.optim.GradientClipping}).
 */
package dev.gradus.optim;
