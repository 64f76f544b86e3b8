// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

/**
 * Hears what {@link Trainer#fit} does, in this order: {@link #onStart}, then per epoch
 * {@link #onEpochStart}, {@link #onStep} after every optimizer step, {@link #onEpochEnd} (after
 * validation), and finally {@link #onEnd}. Every method has an empty default.
 *
 * <p>{@code onStep} runs on the hot path: it gets primitives only, so that a listener that allocates
 * nothing keeps the step allocation-free. When a hook runs, {@link Trainer#position()} already points
 * past the step or epoch just finished, so a checkpoint taken there resumes at the right place.
 */
public interface TrainingListener {

    /** The shape of the run about to start. */
    record Plan(int epochs, int startEpoch, int batchesPerEpoch, int batchSize, int trainSamples,
                int validationSamples) {}

    default void onStart(Plan plan) {}

    /** Epoch {@code epoch} (0-based) begins. */
    default void onEpochStart(int epoch) {}

    /**
     * One optimizer step finished.
     *
     * @param epoch     0-based epoch
     * @param iteration 0-based batch index within the epoch
     * @param step      0-based global iteration index (what "Iteration: i" prints)
     * @param loss      this batch's mean loss
     * @param samples   this batch's size
     */
    default void onStep(int epoch, int iteration, long step, float loss, int samples) {}

    default void onEpochEnd(EpochResult result) {}

    /**
     * Training ended: all epochs ran, early stopping fired, or {@link Trainer#requestStop()} was called.
     * (Not called when an exception ends training.)
     */
    default void onEnd(History history) {}
}
