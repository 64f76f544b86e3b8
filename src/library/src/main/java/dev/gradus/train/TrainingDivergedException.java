// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

/**
 * Training produced a NaN or an infinity: the loss of a batch or the gradient of a parameter. The
 * message names the epoch, the iteration within it, the global step, what was non-finite and the
 * parameter (PyTorch name) where it was first found.
 */
public final class TrainingDivergedException extends ArithmeticException {
    /** The advice that ends the message (a command line replaces it with its flags). */
    public static final String ADVICE = "Try a lower learning rate or gradient clipping.";

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int iteration;
    private final String parameter;

    TrainingDivergedException(String message, int epoch, int iteration, String parameter) {
        super(message);
        this.epoch = epoch;
        this.iteration = iteration;
        this.parameter = parameter;
    }

    /** 0-based epoch. */
    public int epoch() { return epoch; }

    /** 0-based batch index within the epoch. */
    public int iteration() { return iteration; }

    /** The first parameter found non-finite (its value or its gradient), or null if none was. */
    public String parameter() { return parameter; }
}
