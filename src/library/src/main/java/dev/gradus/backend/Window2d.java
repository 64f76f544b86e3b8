// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

/**
 * The geometry of a 2-D sliding window over images of {@code channels × height × width} (NCHW rows):
 * kernel {@code kh × kw}, stride, zero padding and dilation per dimension, as PyTorch's Conv2d and
 * pooling layers take them. Output size per dimension:
 * {@code floor((in + 2·pad − dilation·(kernel − 1) − 1) / stride) + 1}. Constructing one with a size,
 * stride or dilation below 1, a negative padding, or a window that does not fit the padded input is an
 * {@link IllegalArgumentException} naming the geometry.
 */
public record Window2d(int channels, int height, int width, int kh, int kw, int sh, int sw, int ph, int pw,
                       int dh, int dw) {
    public Window2d {
        if (channels < 1 || height < 1 || width < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1
                || ph < 0 || pw < 0) {
            throw new IllegalArgumentException("window " + describe(channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw)
                    + ": sizes, strides and dilations must be >= 1, paddings >= 0");
        }
        if (out(height, kh, sh, ph, dh) < 1 || out(width, kw, sw, pw, dw) < 1) {
            throw new IllegalArgumentException("window " + describe(channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw)
                    + ": the kernel is larger than the padded input");
        }
        if ((long) channels * kh * kw * out(height, kh, sh, ph, dh) * out(width, kw, sw, pw, dw) > Integer.MAX_VALUE
                || (long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("window " + describe(channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw)
                    + " is too large");
        }
    }

    private static long out(int in, int k, int s, int p, int d) {
        long span = (long) d * (k - 1) + 1;
        long room = (long) in + 2L * p - span;
        return room < 0 ? 0 : room / s + 1;
    }

    public int outHeight() { return (int) out(height, kh, sh, ph, dh); }

    public int outWidth() { return (int) out(width, kw, sw, pw, dw); }

    /** Values of one input sample: C·H·W. */
    public int inSize() { return channels * height * width; }

    /** Positions of the window over one plane: OH·OW. */
    public int outPlane() { return outHeight() * outWidth(); }

    /** Rows of one sample's im2col matrix: C·kh·kw. */
    public int patchSize() { return channels * kh * kw; }

    /** Floats of im2col columns plus output columns a convolution slot holds at most (1 MiB), unless one sample needs more. */
    static final int CONV_GROUP_BUDGET = 1 << 18;

    /** The most slots (contiguous runs of groups, run in parallel) a convolution call uses. */
    static final int CONV_SLOTS = 4;

    /**
     * Samples per group in a native convolution over {@code rows} samples with {@code outChannels}
     * outputs: as many as fit {@link #CONV_GROUP_BUDGET} floats of columns (at least one), in a
     * multiple of {@link #CONV_SLOTS} groups when there are several, balanced so that the groups differ
     * by at most one sample. A function of the shape only: the groups, and
     * so every sum, are the same whatever the thread count.
     */
    public int convGroup(int outChannels, int rows) {
        long perSample = (long) (patchSize() + outChannels) * outPlane();
        long fit = Math.max(1, Math.min(rows, CONV_GROUP_BUDGET / perSample));
        long groups = (rows + fit - 1) / fit;
        if (groups > 1) {   // a multiple of the slots, so that the slots get equal work
            groups = Math.min(rows, (groups + CONV_SLOTS - 1) / CONV_SLOTS * CONV_SLOTS);
        }
        return (int) ((rows + groups - 1) / groups);
    }

    /** Slots of a native convolution over {@code rows} samples: one per group, at most {@link #CONV_SLOTS}. */
    public int convSlots(int outChannels, int rows) {
        int group = convGroup(outChannels, rows);
        return Math.min(CONV_SLOTS, (rows + group - 1) / group);
    }

    /**
     * Floats of scratch a convolution over {@code rows} samples needs: per slot, a group's im2col
     * columns (C·kh·kw × group·OH·OW), its output columns (OC × group·OH·OW) and a partial weight
     * gradient (OC × C·kh·kw).
     */
    public long convScratch(int outChannels, int rows) {
        long columns = (long) convGroup(outChannels, rows) * outPlane();
        return convSlots(outChannels, rows) * ((patchSize() + (long) outChannels) * columns + (long) outChannels * patchSize());
    }

    private static String describe(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        return "[" + c + ", " + h + ", " + w + "] kernel " + kh + "x" + kw + " stride " + sh + "x" + sw
                + " padding " + ph + "x" + pw + " dilation " + dh + "x" + dw;
    }

    @Override
    public String toString() {
        return describe(channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw);
    }
}
