// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.internal;

/**
 * The scalars that torch computes as Python floats (in double) before it touches a tensor: learning
 * rates, {@code 1 − beta}, bias corrections, step sizes, decay factors, dropout's scale. Each
 * hyperparameter is first read as the decimal it was written as ({@link ShortestDecimal}), and each
 * result is rounded to float32 once, as torch rounds a Python scalar when it meets a float32 tensor.
 * Both backends take their scalars from here, so their updates stay bit-identical to each other.
 */
public final class TorchScalars {
    private TorchScalars() {}

    /** −lr. */
    public static float negLr(float lr) {
        return (float) -ShortestDecimal.of(lr);
    }

    /** 1 − x (1 − dampening, 1 − alpha, 1 − beta). */
    public static float oneMinus(float x) {
        return (float) (1.0 - ShortestDecimal.of(x));
    }

    /** Adagrad's −clr, clr = lr / (1 + (step − 1)·lr_decay). */
    public static float adagradNegClr(float lr, float lrDecay, long step) {
        return (float) -(ShortestDecimal.of(lr) / (1 + (step - 1) * ShortestDecimal.of(lrDecay)));
    }

    /** Adam's −step_size, step_size = lr / (1 − beta1^step). */
    public static float adamNegStepSize(float lr, float beta1, long step) {
        return (float) -(ShortestDecimal.of(lr) / (1.0 - Math.pow(ShortestDecimal.of(beta1), step)));
    }

    /** Adam's √(1 − beta2^step). */
    public static float adamBiasCorrection2Sqrt(float beta2, long step) {
        return (float) Math.sqrt(1.0 - Math.pow(ShortestDecimal.of(beta2), step));
    }

    /** AdamW's decoupled decay factor, 1 − lr·weight_decay. */
    public static float adamwDecay(float lr, float weightDecay) {
        return (float) (1.0 - ShortestDecimal.of(lr) * ShortestDecimal.of(weightDecay));
    }

    /** Inverted dropout's scale, 1 / (1 − p), rounded as {@code 1f / (float) (1 − p)}. */
    public static float dropoutScale(float p) {
        return 1f / (float) (1.0 - ShortestDecimal.of(p));
    }
}
