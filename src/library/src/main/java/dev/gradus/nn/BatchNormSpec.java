// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Batch normalization as {@code torch.nn.BatchNorm1d} on {@code (F)} samples ({@code image} false) or
 * {@code torch.nn.BatchNorm2d} on images {@code (C, H, W)} (statistics per channel over N, H, W), with
 * affine {@code weight} γ and {@code bias} β ({@code [num_features]}, initialized to 1 and 0) and the
 * buffers {@code running_mean} (0), {@code running_var} (1) and {@code num_batches_tracked}. In training
 * mode {@code y = (x − μ_B)/√(σ²_B + eps)·γ + β} with the batch mean and biased variance, and
 * {@code running = momentum·batch + (1 − momentum)·running} with the unbiased variance; in eval mode the
 * running statistics normalize instead.
 */
public record BatchNormSpec(boolean image, int features, double eps, double momentum) implements LayerSpec {
    /** PyTorch's defaults. */
    public static final double EPS = 1e-5;
    public static final double MOMENTUM = 0.1;

    public BatchNormSpec {
        if (features < 1 || !(eps > 0) || !Double.isFinite(eps) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name(image) + "(num_features=" + features + ", eps=" + eps + ", momentum="
                    + momentum + "): num_features must be >= 1, eps finite and > 0, momentum in [0, 1]");
        }
    }

    /** {@code nn.BatchNorm1d(features)}. */
    public static BatchNormSpec of1d(int features) {
        return new BatchNormSpec(false, features, EPS, MOMENTUM);
    }

    /** {@code nn.BatchNorm2d(channels)}. */
    public static BatchNormSpec of2d(int channels) {
        return new BatchNormSpec(true, channels, EPS, MOMENTUM);
    }

    private static String name(boolean image) {
        return image ? "batchnorm2d" : "batchnorm1d";
    }

    /** Values per channel in one sample of {@code in}: H·W, or 1. */
    int plane(Shape in) {
        if (image ? !in.isImage() || in.channels() != features : in.isImage() || in.size() != features) {
            throw new IllegalArgumentException(describe() + " takes " + (image ? "images [" + features + ", H, W]"
                    : "samples [" + features + "]") + ", got " + in);
        }
        return in.size() / features;
    }

    @Override
    public Shape outputShape(Shape in) {
        plane(in);
        return in;
    }

    @Override
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("weight", new long[] {features});
        shapes.put("bias", new long[] {features});
        return shapes;
    }

    @Override
    public Map<String, long[]> bufferShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("running_mean", new long[] {features});
        shapes.put("running_var", new long[] {features});
        shapes.put("num_batches_tracked", new long[0]);
        return shapes;
    }

    @Override
    public void initialize(List<float[]> values, SplittableRandom rng) {
        java.util.Arrays.fill(values.get(0), 1f);
    }

    @Override
    public void initializeBuffers(List<float[]> values) {
        java.util.Arrays.fill(values.get(1), 1f);
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", name(image));
        o.put("num_features", features);
        o.put("eps", eps);
        o.put("momentum", momentum);
        return o;
    }

    /** Training mode: the batch statistics. */
    @Override
    public double[] evaluate(double[] x, int n, Shape in, List<double[]> params, double[] mask) {
        int s = plane(in);
        double[] mean = new double[features];
        double[] var = new double[features];
        for (int c = 0; c < features; c++) {
            double sum = 0;
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < s; j++) {
                    sum += x[(k * features + c) * s + j];
                }
            }
            mean[c] = sum / ((long) n * s);
            double sq = 0;
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < s; j++) {
                    double d = x[(k * features + c) * s + j] - mean[c];
                    sq += d * d;
                }
            }
            var[c] = sq / ((long) n * s);
        }
        return normalize(x, n, s, mean, var, params);
    }

    /** Eval mode: {@code buffers} are the running mean, the running variance and the counter. */
    @Override
    public double[] evaluateInference(double[] x, int n, Shape in, List<double[]> params, List<double[]> buffers) {
        return normalize(x, n, plane(in), buffers.get(0), buffers.get(1), params);
    }

    private double[] normalize(double[] x, int n, int s, double[] mean, double[] var, List<double[]> params) {
        double[] y = new double[x.length];
        for (int k = 0; k < n; k++) {
            for (int c = 0; c < features; c++) {
                for (int j = 0; j < s; j++) {
                    int i = (k * features + c) * s + j;
                    y[i] = (x[i] - mean[c]) / Math.sqrt(var[c] + eps) * params.get(0)[c] + params.get(1)[c];
                }
            }
        }
        return y;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.batchNorm(this);
    }

    @Override
    public String describe() {
        return name(image) + "(" + features + (eps != EPS ? ", eps " + eps : "")
                + (momentum != MOMENTUM ? ", momentum " + momentum : "") + ")";
    }
}
