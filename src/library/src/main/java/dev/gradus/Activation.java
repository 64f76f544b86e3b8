// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

/**
 * An activation function: its kind and, for leaky ReLU and ELU, its one parameter. Each matches
 * its PyTorch namesake: {@code sigmoid}, {@code tanh}, {@code relu}, {@code leaky_relu(slope)},
 * {@code elu(alpha)}, {@code gelu} (exact: x·Φ(x) with erf), {@code softplus} (beta 1,
 * threshold 20: x itself above 20), {@code softmax} (over each row).
 */
public record Activation(Kind kind, float param) {

    public enum Kind {
        IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, ELU, GELU, SOFTPLUS, SOFTMAX;

        /** The code the native kernels use; equals the ordinal, fixed by this declaration order. */
        public int code() { return ordinal(); }
    }

    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0f);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f);
    public static final Activation TANH = new Activation(Kind.TANH, 0f);
    public static final Activation RELU = new Activation(Kind.RELU, 0f);
    public static final Activation GELU = new Activation(Kind.GELU, 0f);
    public static final Activation SOFTPLUS = new Activation(Kind.SOFTPLUS, 0f);
    public static final Activation SOFTMAX = new Activation(Kind.SOFTMAX, 0f);

    public Activation {
        if (kind == null) {
            throw new IllegalArgumentException("activation kind is null");
        }
        if (!Float.isFinite(param)) {
            throw new IllegalArgumentException("activation parameter must be finite, got " + param);
        }
    }

    /** Leaky ReLU: x for x > 0, slope·x otherwise (PyTorch default slope 0.01). */
    public static Activation leakyRelu(float slope) { return new Activation(Kind.LEAKY_RELU, slope); }

    /** ELU: x for x > 0, alpha·(eˣ − 1) otherwise (PyTorch default alpha 1). */
    public static Activation elu(float alpha) {
        if (alpha < 0) {
            throw new IllegalArgumentException("elu alpha must be >= 0, got " + alpha);
        }
        return new Activation(Kind.ELU, alpha);
    }

    /** By name as in the reference cases and the CLI: relu, leaky_relu, elu, gelu, ... with defaults. */
    public static Activation parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "identity", "linear", "none" -> IDENTITY;
            case "sigmoid" -> SIGMOID;
            case "tanh" -> TANH;
            case "relu" -> RELU;
            case "leaky_relu" -> leakyRelu(0.01f);
            case "elu" -> elu(1f);
            case "gelu" -> GELU;
            case "softplus" -> SOFTPLUS;
            case "softmax" -> SOFTMAX;
            default -> throw new IllegalArgumentException("unknown activation '" + name
                    + "' (known: identity, sigmoid, tanh, relu, leaky_relu, elu, gelu, softplus, softmax)");
        };
    }

    /** The lowercase name used by {@link #parse}. */
    public String label() { return kind.name().toLowerCase(java.util.Locale.ROOT); }

    @Override
    public String toString() {
        return switch (kind) {
            case LEAKY_RELU, ELU -> label() + "(" + param + ")";
            default -> label();
        };
    }
}
