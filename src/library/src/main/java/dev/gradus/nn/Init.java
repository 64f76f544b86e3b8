// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a dense layer's weight {@code [out, in]} and bias {@code [out]} are initialized; fan_in = in,
 * fan_out = out.
 * <ul>
 * <li>{@code TORCH_DEFAULT}: {@code torch.nn.Linear}'s own reset: weight by kaiming_uniform(a=√5), which is
 *     U(−1/√fan_in, 1/√fan_in), and bias U(−1/√fan_in, 1/√fan_in).</li>
 * <li>{@code XAVIER_UNIFORM}: weight U(−a, a), a = √(6/(fan_in+fan_out)); bias 0 (gain 1).</li>
 * <li>{@code XAVIER_NORMAL}: weight N(0, σ²), σ = √(2/(fan_in+fan_out)); bias 0.</li>
 * <li>{@code KAIMING_UNIFORM}: weight U(−a, a), a = √(6/fan_in) (ReLU gain √2, fan_in mode); bias 0.</li>
 * <li>{@code KAIMING_NORMAL}: weight N(0, σ²), σ = √(2/fan_in); bias 0.</li>
 * <li>{@code ZEROS}: weight and bias 0. {@code CONSTANT}: weight and bias = {@link #value()}.</li>
 * </ul>
 * Random values come from a {@link SplittableRandom} seeded by the network (same seed, same weights,
 * on any backend): uniforms as {@code lo + (hi−lo)·nextDouble()}, normals by Box–Muller
 * ({@code √(−2 ln(1−u1))·cos(2π·u2)}, one normal per pair of draws), each rounded to float.
 * The weight is drawn row by row before the bias. The values are not PyTorch's (a different generator).
 */
public record Init(Kind kind, float value) {

    public enum Kind { TORCH_DEFAULT, XAVIER_UNIFORM, XAVIER_NORMAL, KAIMING_UNIFORM, KAIMING_NORMAL, ZEROS, CONSTANT }

    public static final Init TORCH_DEFAULT = new Init(Kind.TORCH_DEFAULT, 0f);
    public static final Init XAVIER_UNIFORM = new Init(Kind.XAVIER_UNIFORM, 0f);
    public static final Init XAVIER_NORMAL = new Init(Kind.XAVIER_NORMAL, 0f);
    public static final Init KAIMING_UNIFORM = new Init(Kind.KAIMING_UNIFORM, 0f);
    public static final Init KAIMING_NORMAL = new Init(Kind.KAIMING_NORMAL, 0f);
    public static final Init ZEROS = new Init(Kind.ZEROS, 0f);

    public Init {
        if (kind == null) {
            throw new IllegalArgumentException("init kind must not be null");
        }
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("init value must be finite, got " + value);
        }
        if (kind != Kind.CONSTANT && value != 0f) {
            throw new IllegalArgumentException("only the constant init takes a value, got " + kind + " with " + value);
        }
    }

    /** Every weight and bias = {@code value}. */
    public static Init constant(float value) {
        return new Init(Kind.CONSTANT, value);
    }

    /** By name: torch_default, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal, zeros, constant:V. */
    public static Init parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("constant:")) {
            try {
                return constant(Float.parseFloat(n.substring("constant:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("init '" + name + "': the constant is not a number");
            }
        }
        for (Kind k : Kind.values()) {
            if (k != Kind.CONSTANT && k.name().toLowerCase(Locale.ROOT).equals(n)) {
                return new Init(k, 0f);
            }
        }
        throw new IllegalArgumentException("unknown init '" + name + "' (known: torch_default, xavier_uniform, "
                + "xavier_normal, kaiming_uniform, kaiming_normal, zeros, constant:VALUE)");
    }

    /** The name {@link #parse} reads. */
    public String label() {
        return kind == Kind.CONSTANT ? "constant:" + value : kind.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return label();
    }

    /**
     * Fills a weight (row-major) and a bias (null when the layer has none), drawing from {@code rng};
     * {@code in} and {@code out} are the layer's fan-in and fan-out (a conv2d's are in·kh·kw and out·kh·kw).
     */
    void fill(float[] weight, float[] bias, int in, int out, SplittableRandom rng) {
        switch (kind) {
            case TORCH_DEFAULT -> {
                double bound = 1.0 / Math.sqrt(in);
                uniform(weight, bound, rng);
                if (bias != null) {
                    uniform(bias, bound, rng);
                }
            }
            case XAVIER_UNIFORM -> uniform(weight, Math.sqrt(6.0 / (in + out)), rng);
            case XAVIER_NORMAL -> normal(weight, Math.sqrt(2.0 / (in + out)), rng);
            case KAIMING_UNIFORM -> uniform(weight, Math.sqrt(6.0 / in), rng);
            case KAIMING_NORMAL -> normal(weight, Math.sqrt(2.0 / in), rng);
            case ZEROS -> { /* arrays are zero already */ }
            case CONSTANT -> {
                java.util.Arrays.fill(weight, value);
                if (bias != null) {
                    java.util.Arrays.fill(bias, value);
                }
            }
        }
    }

    private static void uniform(float[] a, double bound, SplittableRandom rng) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (-bound + 2 * bound * rng.nextDouble());
        }
    }

    private static void normal(float[] a, double std, SplittableRandom rng) {
        for (int i = 0; i < a.length; i++) {
            double u1 = 1.0 - rng.nextDouble();   // (0, 1]: log is finite
            double u2 = rng.nextDouble();
            a[i] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
    }
}
