// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import dev.gradus.Tensor;
import dev.gradus.backend.internal.InUse;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Feature standardization, as scikit-learn's {@code StandardScaler}: {@code x' = (x − mean) / scale}
 * per feature, with the mean and the population standard deviation (ddof 0) fitted on the training
 * data only; a feature that is constant there gets scale 1 (it becomes 0, never NaN).
 *
 * <p>The command line fits it on a CSV's training split and stores it in the model file's metadata
 * under {@value #METADATA_KEY} ({@link #toJson()}: {@code {"mean":[…],"scale":[…]}}); {@code evaluate}
 * and {@code predict} apply it to their input. Code that runs a saved model elsewhere (an exporter, a
 * server) reads it back with {@link #fromMetadata(Map)} and applies the same affine map:
 * {@code x' = x · (1/scale) + (−mean/scale)}, or {@link #apply(Tensor)} here.
 *
 * @param mean  per feature
 * @param scale per feature, each finite and {@code > 0}
 */
public record Standardization(float[] mean, float[] scale) {
    /** The model-file metadata key that holds it. */
    public static final String METADATA_KEY = "standardization";
    private static final Pattern JSON = Pattern.compile(
            "\\s*\\{\\s*\"mean\"\\s*:\\s*\\[([^\\]]*)]\\s*,\\s*\"scale\"\\s*:\\s*\\[([^\\]]*)]\\s*}\\s*");
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    public Standardization {
        if (mean == null || scale == null || mean.length != scale.length || mean.length == 0) {
            throw new IllegalArgumentException("standardization needs as many means as scales, at least one, got "
                    + (mean == null ? "null" : mean.length) + " and " + (scale == null ? "null" : scale.length));
        }
        for (int j = 0; j < mean.length; j++) {
            if (!Float.isFinite(mean[j]) || !(scale[j] > 0) || !Float.isFinite(scale[j])) {
                throw new IllegalArgumentException("standardization of feature " + j + ": mean " + mean[j] + ", scale "
                        + scale[j] + " (the mean must be finite, the scale finite and > 0)");
            }
        }
        mean = mean.clone();
        scale = scale.clone();
    }

    /** Fits the mean and population standard deviation of each column of {@code features} [n, d] (in double). */
    public static Standardization fit(Tensor features) {
        int n = features.rows();
        int d = features.cols();
        if (n < 1) {
            throw new IllegalArgumentException("cannot fit a standardization on no samples");
        }
        InUse.acquire(features);   // held while read: closing it meanwhile is an exception, not freed memory
        try {
            return fit(InUse.buffer(features), n, d);
        } finally {
            InUse.release(features);
        }
    }

    private static Standardization fit(FloatBuffer x, int n, int d) {
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                sum[j] += x.get(i * d + j);
            }
        }
        float[] mean = new float[d];
        double[] m = new double[d];
        for (int j = 0; j < d; j++) {
            m[j] = sum[j] / n;
            mean[j] = (float) m[j];
        }
        double[] sq = new double[d];   // two passes: no cancellation for large offsets (grams, timestamps)
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double dx = x.get(i * d + j) - m[j];
                sq[j] += dx * dx;
            }
        }
        float[] scale = new float[d];
        for (int j = 0; j < d; j++) {
            float s = (float) Math.sqrt(sq[j] / n);
            scale[j] = s > 0 && Float.isFinite(s) ? s : 1f;
        }
        return new Standardization(mean, scale);
    }

    /** Fits on a dataset's features. */
    public static Standardization fit(Dataset data) {
        return fit(data.features());
    }

    /** Features per sample. */
    public int featureCount() { return mean.length; }

    @Override
    public float[] mean() { return mean.clone(); }

    @Override
    public float[] scale() { return scale.clone(); }

    /** Standardizes {@code features} [n, d] in place (computed in double, rounded once); returns it. */
    public Tensor apply(Tensor features) {
        int d = features.cols();
        if (d != mean.length) {
            throw new IllegalArgumentException("the standardization was fitted on " + mean.length
                    + " features but the data has " + d);
        }
        InUse.acquire(features);
        try {
            FloatBuffer x = InUse.buffer(features);
            for (int i = 0, n = features.rows(); i < n; i++) {
                for (int j = 0; j < d; j++) {
                    int at = i * d + j;
                    x.put(at, (float) ((x.get(at) - (double) mean[j]) / scale[j]));
                }
            }
        } finally {
            InUse.release(features);
        }
        return features;
    }

    /**
     * The largest ratio between two features' spreads (population standard deviations) in
     * {@code features}, ignoring constant features; 1 when fewer than two vary. A ratio of 100 or more
     * means the features differ in scale by orders of magnitude.
     */
    public static double spreadRatio(Tensor features) {
        Standardization s = fit(features);
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int j = 0; j < s.scale.length; j++) {
            boolean varies = false;
            for (int i = 1; i < features.rows() && !varies; i++) {
                varies = features.get(i, j) != features.get(0, j);
            }
            if (varies) {
                min = Math.min(min, s.scale[j]);
                max = Math.max(max, s.scale[j]);
            }
        }
        return max > 0 && min < max ? max / min : 1;
    }

    /** {@code {"mean":[…],"scale":[…]}}, every float as its shortest exact decimal ({@link Float#toString}). */
    public String toJson() {
        return "{\"mean\":" + floats(mean) + ",\"scale\":" + floats(scale) + "}";
    }

    /** Reads {@link #toJson()} back (whitespace allowed between the tokens). */
    public static Standardization parse(String json) {
        Matcher m = JSON.matcher(json);
        if (!m.matches()) {
            throw new IllegalArgumentException("standardization is not {\"mean\": [numbers], \"scale\": [numbers]}");
        }
        return new Standardization(toFloats(m.group(1), "mean"), toFloats(m.group(2), "scale"));
    }

    /** The standardization in a model's metadata (e.g. {@code ModelFile.Loaded.info()}), or null if it has none. */
    public static Standardization fromMetadata(Map<String, String> metadata) {
        String json = metadata.get(METADATA_KEY);
        if (json == null) {
            return null;
        }
        try {
            return parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata '" + METADATA_KEY + "' is unreadable: " + e.getMessage(), e);
        }
    }

    private static String floats(float[] a) {
        StringBuilder b = new StringBuilder("[");
        for (int j = 0; j < a.length; j++) {
            b.append(j == 0 ? "" : ",").append(Float.toString(a[j]));
        }
        return b.append(']').toString();
    }

    private static float[] toFloats(String list, String what) {
        String[] parts = list.split(",", -1);
        float[] out = new float[parts.length];
        for (int i = 0; i < out.length; i++) {
            String t = parts[i].strip();
            if (!NUMBER.matcher(t).matches()) {
                throw new IllegalArgumentException(what + "[" + i + "] is '" + t + "', not a number");
            }
            out[i] = Float.parseFloat(t);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardization s && Arrays.equals(mean, s.mean) && Arrays.equals(scale, s.scale);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale); }

    @Override
    public String toString() { return "Standardization" + toJson(); }
}
