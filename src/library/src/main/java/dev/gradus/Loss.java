// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

/**
 * A loss function: its kind and, for Huber, its delta. Every loss is a mean, over the batch and over
 * the outputs, exactly as its PyTorch namesake with {@code reduction='mean'}:
 * {@code mse} (MSELoss), {@code l1} (L1Loss), {@code huber} (HuberLoss(delta)), {@code bce}
 * (BCELoss on probabilities, each log clamped at −100; a prediction outside [0, 1], NaN included, is an
 * {@link IllegalArgumentException}, as in torch), {@code bce_with_logits}
 * (BCEWithLogitsLoss), {@code cross_entropy} (CrossEntropyLoss on logits with integer labels;
 * softmax fused in, the mean is over the batch only).
 */
public record Loss(Kind kind, float delta) {

    public enum Kind {
        MSE, L1, HUBER, BCE, BCE_WITH_LOGITS, CROSS_ENTROPY;

        /** The code the native kernels use; equals the ordinal. */
        public int code() { return ordinal(); }
    }

    public static final Loss MSE = new Loss(Kind.MSE, 0f);
    public static final Loss L1 = new Loss(Kind.L1, 0f);
    public static final Loss BCE = new Loss(Kind.BCE, 0f);
    public static final Loss BCE_WITH_LOGITS = new Loss(Kind.BCE_WITH_LOGITS, 0f);
    public static final Loss CROSS_ENTROPY = new Loss(Kind.CROSS_ENTROPY, 0f);

    public Loss {
        if (kind == null) {
            throw new IllegalArgumentException("loss kind is null");
        }
        if (kind == Kind.HUBER && !(delta > 0 && Float.isFinite(delta))) {
            throw new IllegalArgumentException("huber delta must be positive and finite, got " + delta);
        }
    }

    public static Loss huber(float delta) { return new Loss(Kind.HUBER, delta); }

    /** True for cross-entropy, which takes integer labels instead of float targets. */
    public boolean usesLabels() { return kind == Kind.CROSS_ENTROPY; }

    public static Loss parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "mse" -> MSE;
            case "l1" -> L1;
            case "huber" -> huber(1f);
            case "bce" -> BCE;
            case "bce_with_logits" -> BCE_WITH_LOGITS;
            case "cross_entropy", "crossentropy", "ce" -> CROSS_ENTROPY;
            default -> throw new IllegalArgumentException("unknown loss '" + name
                    + "' (known: mse, l1, huber, bce, bce_with_logits, cross_entropy)");
        };
    }

    public String label() { return kind.name().toLowerCase(java.util.Locale.ROOT); }

    @Override
    public String toString() { return kind == Kind.HUBER ? "huber(" + delta + ")" : label(); }
}
