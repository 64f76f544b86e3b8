// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.util.Arrays;

/**
 * The median of a set of measurements and its range, so that a report shows the noise instead of hiding it.
 *
 * @param median the middle value (the mean of the two middle ones for an even count)
 * @param min    the smallest value
 * @param max    the largest value
 * @param count  how many values
 */
public record Spread(double median, double min, double max, int count) {

    /** The spread of {@code values}; all NaN with count 0 when empty. */
    public static Spread of(double... values) {
        if (values.length == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(median, v[0], v[n - 1], n);
    }

    /** (max − min) / median: the relative width of the range, 0 for a single value. */
    public double relativeRange() {
        return count == 0 ? Double.NaN : (max - min) / median;
    }
}
