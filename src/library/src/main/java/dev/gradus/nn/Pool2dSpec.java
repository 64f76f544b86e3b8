// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.backend.Window2d;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * 2-D pooling per channel, floor mode, as {@code torch.nn.MaxPool2d} ({@code max}: padding counts as
 * −∞; the gradient of a window goes to its first maximal element, NaN propagates) or
 * {@code torch.nn.AvgPool2d} (padding counts as 0; divided by the window's size within the padded
 * input when {@code countIncludePad}, else by its elements inside the input). Padding at most half the
 * kernel, as PyTorch requires. No parameters.
 */
public record Pool2dSpec(boolean max, int kh, int kw, int sh, int sw, int ph, int pw, boolean countIncludePad)
        implements LayerSpec {
    public Pool2dSpec {
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || ph > kh / 2 || pw > kw / 2) {
            throw new IllegalArgumentException(name(max) + "(kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw
                    + ", padding " + ph + "x" + pw + "): sizes and strides must be >= 1, paddings in [0, kernel/2]");
        }
        if (max) {
            countIncludePad = true;   // unused by max pooling: one value, so equal specs compare equal
        }
    }

    /** {@code nn.MaxPool2d(kernel)}: stride = kernel, no padding. */
    public static Pool2dSpec max(int kernel) {
        return new Pool2dSpec(true, kernel, kernel, kernel, kernel, 0, 0, true);
    }

    /** {@code nn.AvgPool2d(kernel)}: stride = kernel, no padding. */
    public static Pool2dSpec avg(int kernel) {
        return new Pool2dSpec(false, kernel, kernel, kernel, kernel, 0, 0, true);
    }

    private static String name(boolean max) {
        return max ? "maxpool2d" : "avgpool2d";
    }

    Window2d window(Shape input) {
        if (!input.isImage()) {
            throw new IllegalArgumentException(describe() + " takes images [C, H, W], got " + input);
        }
        try {
            return new Window2d(input.channels(), input.height(), input.width(), kh, kw, sh, sw, ph, pw, 1, 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe() + " on " + input + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Shape outputShape(Shape input) {
        Window2d g = window(input);
        return Shape.image(input.channels(), g.outHeight(), g.outWidth());
    }

    @Override
    public Map<String, long[]> parameterShapes() {
        return Map.of();
    }

    @Override
    public void initialize(List<float[]> values, SplittableRandom rng) {
        // no parameters
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", name(max));
        o.put("kernel", List.of(kh, kw));
        o.put("stride", List.of(sh, sw));
        o.put("padding", List.of(ph, pw));
        if (!max) {
            o.put("count_include_pad", countIncludePad);
        }
        return o;
    }

    @Override
    public double[] evaluate(double[] x, int n, Shape input, List<double[]> params, double[] mask) {
        Window2d g = window(input);
        int c = g.channels(), h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        double[] y = new double[n * c * oh * ow];
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        int hs = i * sh - ph, ws = j * sw - pw;
                        int inside = 0;
                        for (int a = hs; a < hs + kh; a++) {
                            for (int b = ws; b < ws + kw; b++) {
                                if (a >= 0 && a < h && b >= 0 && b < w) {
                                    double v = x[((s * c + ch) * h + a) * w + b];
                                    acc = max ? (v > acc || Double.isNaN(v) ? v : acc) : acc + v;
                                    inside++;
                                }
                            }
                        }
                        int padded = (Math.min(hs + kh, h + ph) - hs) * (Math.min(ws + kw, w + pw) - ws);
                        y[((s * c + ch) * oh + i) * ow + j] = max ? acc : acc / (countIncludePad ? padded : inside);
                    }
                }
            }
        }
        return y;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.pool2d(this);
    }

    @Override
    public String describe() {
        return name(max) + "(" + kh + "x" + kw + (sh != kh || sw != kw ? ", stride " + sh + "x" + sw : "")
                + (ph != 0 || pw != 0 ? ", padding " + ph + "x" + pw : "")
                + (!max && !countIncludePad ? ", count_include_pad false" : "") + ")";
    }
}
