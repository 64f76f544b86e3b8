// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

/** What the learning-rate schedule's step {@code t} counts. */
public enum ScheduleUnit {
    /** t = the epoch index (PyTorch's usual {@code scheduler.step()} once per epoch). */
    EPOCH,
    /** t = the global iteration index (for warm-up over the first iterations). */
    ITERATION
}
