// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

/**
 * Seeded permutations that depend only on {@code (seed, stream)}: the same pair gives the same order on
 * every JDK and machine. The generator is SplitMix64 (Steele, Lea and Flood 2014) started from
 * {@code mix(seed) ^ mix(stream)}; the shuffle is Fisher–Yates from the last index down, drawing
 * {@code j = (next32 · (i + 1)) >>> 32} (Lemire's multiply-shift; bias below 2⁻³²·n, irrelevant here).
 *
 * <p>Batching uses {@code stream = epoch}, so a resumed run needs only the epoch index to reproduce the
 * order; the validation split uses its own stream. Allocates nothing.
 */
public final class Permutation {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Permutation() {}

    /** The stream used by {@link Dataset#split} (far from any epoch index). */
    static final long SPLIT_STREAM = 0x5EED_5B11_7000_0000L;

    /** Writes {@code 0 … n−1} into {@code order[0, n)} and shuffles it with the generator for (seed, stream). */
    public static void fill(int[] order, int n, long seed, long stream) {
        if (n < 0 || n > order.length) {
            throw new IllegalArgumentException("permutation of " + n + " elements does not fit an array of " + order.length);
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long state = mix(seed) ^ mix(stream + GOLDEN);
        for (int i = n - 1; i > 0; i--) {
            state += GOLDEN;
            long bits = mix(state) >>> 32;
            int j = (int) ((bits * (i + 1L)) >>> 32);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** A new array holding the permutation of {@code 0 … n−1} for (seed, stream). */
    public static int[] of(int n, long seed, long stream) {
        int[] order = new int[n];
        fill(order, n, seed, stream);
        return order;
    }

    /** SplitMix64's output function (a bijection of 64-bit values). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
