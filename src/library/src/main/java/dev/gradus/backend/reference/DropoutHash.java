// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

/**
 * The counter-based keep/drop decision of dropout: a pure function of (seed, element index), so a
 * mask does not depend on the backend, the thread count or the order of evaluation.
 * <pre>
 *   splitmix64(x): z = x + 0x9E3779B97F4A7C15; z = (z ^ (z &gt;&gt;&gt; 30)) · 0xBF58476D1CE4E5B9;
 *                  z = (z ^ (z &gt;&gt;&gt; 27)) · 0x94D049BB133111EB; return z ^ (z &gt;&gt;&gt; 31)   (mod 2^64)
 *   keep(seed, i) = (splitmix64(seed ^ (i · 0x9E3779B97F4A7C15)) &gt;&gt;&gt; 40) &gt;= floor(p · 2^24)
 * </pre>
 * (i is the element's row-major index as a 64-bit integer; p is the float32 value widened to double,
 * so p · 2^24 is exact.) This is the definition every backend follows; it is restated in
 * {@code Backend.dropoutForward}'s Javadoc. The top 24 bits make the keep rate exactly
 * {@code 1 − floor(p·2^24)/2^24}.
 */
final class DropoutHash {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private DropoutHash() {}

    /** The 24-bit threshold for drop probability p: keep when the hash's top 24 bits are at least this. */
    public static long threshold(float p) {
        return (long) Math.floor((double) p * (1 << 24));
    }

    /** True when element {@code i} is kept under {@code seed}; {@code threshold} from {@link #threshold}. */
    public static boolean keep(long seed, long i, long threshold) {
        return (splitmix64(seed ^ (i * GOLDEN)) >>> 40) >= threshold;
    }

    static long splitmix64(long x) {
        long z = x + GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
