// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.backend.Window2d;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A 2-D convolution as {@code torch.nn.Conv2d} (cross-correlation, zero padding, groups 1): weight
 * {@code [out, in, kh, kw]}, bias {@code [out]} when {@code bias}; kernel, stride, padding and dilation
 * per dimension (height, width). Takes images {@code (in, H, W)}. {@link Init#TORCH_DEFAULT} is PyTorch's
 * reset (weight kaiming_uniform with a = √5, bias U(±1/√fan_in)), fan_in = in·kh·kw, fan_out = out·kh·kw.
 */
public record Conv2dSpec(int in, int out, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                         boolean bias, Init init) implements LayerSpec {
    public Conv2dSpec {
        if (in < 1 || out < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1 || ph < 0 || pw < 0) {
            throw new IllegalArgumentException("conv2d(in=" + in + ", out=" + out + ", kernel " + kh + "x" + kw
                    + ", stride " + sh + "x" + sw + ", padding " + ph + "x" + pw + ", dilation " + dh + "x" + dw
                    + "): sizes, strides and dilations must be >= 1, paddings >= 0");
        }
        if (init == null) {
            throw new IllegalArgumentException("conv2d init must not be null (use Init.TORCH_DEFAULT)");
        }
    }

    /** A square kernel, stride 1, no padding, with bias and PyTorch's init. */
    public Conv2dSpec(int in, int out, int kernel) {
        this(in, out, kernel, kernel, 1, 1, 0, 0, 1, 1, true, Init.TORCH_DEFAULT);
    }

    /** A square kernel with this stride and padding, with bias and PyTorch's init. */
    public Conv2dSpec(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, kernel, stride, stride, padding, padding, 1, 1, true, Init.TORCH_DEFAULT);
    }

    /** The window over an input of shape {@code input}. */
    Window2d window(Shape input) {
        if (!input.isImage() || input.channels() != in) {
            throw new IllegalArgumentException(describe() + " takes images [" + in + ", H, W], got " + input);
        }
        try {
            return new Window2d(in, input.height(), input.width(), kh, kw, sh, sw, ph, pw, dh, dw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe() + " on " + input + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Shape outputShape(Shape input) {
        Window2d g = window(input);
        return Shape.image(out, g.outHeight(), g.outWidth());
    }

    @Override
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("weight", new long[] {out, in, kh, kw});
        if (bias) {
            shapes.put("bias", new long[] {out});
        }
        return shapes;
    }

    @Override
    public void initialize(List<float[]> values, SplittableRandom rng) {
        init.fill(values.get(0), bias ? values.get(1) : null, in * kh * kw, out * kh * kw, rng);
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "conv2d");
        o.put("in_channels", in);
        o.put("out_channels", out);
        o.put("kernel", List.of(kh, kw));
        o.put("stride", List.of(sh, sw));
        o.put("padding", List.of(ph, pw));
        o.put("dilation", List.of(dh, dw));
        o.put("bias", bias);
        o.put("init", init.label());
        return o;
    }

    @Override
    public double[] evaluate(double[] x, int n, Shape input, List<double[]> params, double[] mask) {
        Window2d g = window(input);
        double[] w = params.get(0);
        double[] b = bias ? params.get(1) : null;
        int oh = g.outHeight(), ow = g.outWidth(), size = g.inSize();
        double[] y = new double[n * out * oh * ow];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = b == null ? 0 : b[o];
                        for (int c = 0; c < in; c++) {
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int h = i * sh - ph + ki * dh;
                                    int v = j * sw - pw + kj * dw;
                                    if (h >= 0 && h < g.height() && v >= 0 && v < g.width()) {
                                        sum += x[s * size + (c * g.height() + h) * g.width() + v]
                                                * w[((o * in + c) * kh + ki) * kw + kj];
                                    }
                                }
                            }
                        }
                        y[((s * out + o) * oh + i) * ow + j] = sum;
                    }
                }
            }
        }
        return y;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.conv2d(this);
    }

    @Override
    public String describe() {
        return "conv2d(" + in + " -> " + out + ", " + kh + "x" + kw
                + (sh != 1 || sw != 1 ? ", stride " + sh + "x" + sw : "")
                + (ph != 0 || pw != 0 ? ", padding " + ph + "x" + pw : "")
                + (dh != 1 || dw != 1 ? ", dilation " + dh + "x" + dw : "")
                + (bias ? "" : ", no bias") + ")";
    }
}
