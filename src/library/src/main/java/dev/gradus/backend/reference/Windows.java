// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import dev.gradus.backend.Window2d;
import java.nio.FloatBuffer;

/** Convolution and pooling as the plain loops of their definitions, summing in double: the oracle. */
final class Windows {
    private Windows() {}

    static void convForward(FloatBuffer y, FloatBuffer x, FloatBuffer w, FloatBuffer b, int n, int oc, Window2d g) {
        int oh = g.outHeight(), ow = g.outWidth(), in = g.inSize(), out = oc * oh * ow;
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < oc; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = b == null ? 0 : b.get(o);
                        for (int c = 0; c < g.channels(); c++) {
                            for (int ki = 0; ki < g.kh(); ki++) {
                                int h = i * g.sh() - g.ph() + ki * g.dh();
                                for (int kj = 0; kj < g.kw(); kj++) {
                                    int v = j * g.sw() - g.pw() + kj * g.dw();
                                    if (h >= 0 && h < g.height() && v >= 0 && v < g.width()) {
                                        sum += (double) x.get(s * in + (c * g.height() + h) * g.width() + v)
                                                * w.get(((o * g.channels() + c) * g.kh() + ki) * g.kw() + kj);
                                    }
                                }
                            }
                        }
                        y.put(s * out + (o * oh + i) * ow + j, (float) sum);
                    }
                }
            }
        }
    }

    /** dx = ∂/∂x, overwritten (accumulated in float, window by window). */
    static void convBackwardInput(FloatBuffer dx, FloatBuffer dy, FloatBuffer w, int n, int oc, Window2d g) {
        int oh = g.outHeight(), ow = g.outWidth(), in = g.inSize(), out = oc * oh * ow;
        for (int k = 0; k < n * in; k++) {
            dx.put(k, 0f);
        }
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < oc; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float d = dy.get(s * out + (o * oh + i) * ow + j);
                        for (int c = 0; c < g.channels(); c++) {
                            for (int ki = 0; ki < g.kh(); ki++) {
                                int h = i * g.sh() - g.ph() + ki * g.dh();
                                for (int kj = 0; kj < g.kw(); kj++) {
                                    int v = j * g.sw() - g.pw() + kj * g.dw();
                                    if (h >= 0 && h < g.height() && v >= 0 && v < g.width()) {
                                        int xi = s * in + (c * g.height() + h) * g.width() + v;
                                        dx.put(xi, dx.get(xi) + d * w.get(((o * g.channels() + c) * g.kh() + ki) * g.kw() + kj));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** dw += ∂/∂w and db += Σ dy per output channel (db null: none), each element summed in double. */
    static void convBackwardWeight(FloatBuffer dw, FloatBuffer db, FloatBuffer dy, FloatBuffer x, int n, int oc,
                                   Window2d g) {
        int oh = g.outHeight(), ow = g.outWidth(), in = g.inSize(), out = oc * oh * ow;
        for (int o = 0; o < oc; o++) {
            for (int c = 0; c < g.channels(); c++) {
                for (int ki = 0; ki < g.kh(); ki++) {
                    for (int kj = 0; kj < g.kw(); kj++) {
                        double sum = 0;
                        for (int s = 0; s < n; s++) {
                            for (int i = 0; i < oh; i++) {
                                int h = i * g.sh() - g.ph() + ki * g.dh();
                                if (h < 0 || h >= g.height()) {
                                    continue;
                                }
                                for (int j = 0; j < ow; j++) {
                                    int v = j * g.sw() - g.pw() + kj * g.dw();
                                    if (v >= 0 && v < g.width()) {
                                        sum += (double) dy.get(s * out + (o * oh + i) * ow + j)
                                                * x.get(s * in + (c * g.height() + h) * g.width() + v);
                                    }
                                }
                            }
                        }
                        int wi = ((o * g.channels() + c) * g.kh() + ki) * g.kw() + kj;
                        dw.put(wi, (float) (dw.get(wi) + sum));
                    }
                }
            }
            if (db != null) {
                double sum = 0;
                for (int s = 0; s < n; s++) {
                    for (int k = 0; k < oh * ow; k++) {
                        sum += dy.get(s * out + o * oh * ow + k);
                    }
                }
                db.put(o, (float) (db.get(o) + sum));
            }
        }
    }

    /** PyTorch's CPU rule: a value replaces the running max when greater, or when it is NaN. */
    static void maxForward(FloatBuffer y, FloatBuffer arg, FloatBuffer x, int n, Window2d g) {
        int oh = g.outHeight(), ow = g.outWidth(), in = g.inSize(), plane = oh * ow;
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < g.channels(); c++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float max = Float.NEGATIVE_INFINITY;
                        int at = -1;   // the first element inside the input, until a value replaces it
                        for (int ki = 0; ki < g.kh(); ki++) {
                            int h = i * g.sh() - g.ph() + ki * g.dh();
                            for (int kj = 0; kj < g.kw(); kj++) {
                                int v = j * g.sw() - g.pw() + kj * g.dw();
                                if (h >= 0 && h < g.height() && v >= 0 && v < g.width()) {
                                    int xi = (c * g.height() + h) * g.width() + v;
                                    float val = x.get(s * in + xi);
                                    if (at < 0) {
                                        at = xi;
                                    }
                                    if (val > max || Float.isNaN(val)) {
                                        max = val;
                                        at = xi;
                                    }
                                }
                            }
                        }
                        int k = s * g.channels() * plane + c * plane + i * ow + j;
                        y.put(k, max);
                        arg.put(k, at);
                    }
                }
            }
        }
    }

    /** Returns -1, or the position of the first argmax that is not an index into a sample (nothing written). */
    static long maxBackward(FloatBuffer dx, FloatBuffer dy, FloatBuffer arg, int n, Window2d g) {
        int in = g.inSize(), out = g.channels() * g.outPlane();
        for (int k = 0; k < n * out; k++) {
            float a = arg.get(k);
            if (!(a >= 0 && a < in) || a != (int) a) {
                return k;
            }
        }
        for (int k = 0; k < n * in; k++) {
            dx.put(k, 0f);
        }
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < out; k++) {
                int xi = s * in + (int) arg.get(s * out + k);
                dx.put(xi, dx.get(xi) + dy.get(s * out + k));
            }
        }
        return -1;
    }

    /** The divisor and the clipped window of output (i, j): {hs, he, ws, we, divisor}. */
    private static int[] avgWindow(Window2d g, int i, int j, boolean countIncludePad) {
        int hs = i * g.sh() - g.ph(), ws = j * g.sw() - g.pw();
        int he = Math.min(hs + g.kh(), g.height() + g.ph()), we = Math.min(ws + g.kw(), g.width() + g.pw());
        int size = (he - hs) * (we - ws);
        hs = Math.max(hs, 0); ws = Math.max(ws, 0);
        he = Math.min(he, g.height()); we = Math.min(we, g.width());
        return new int[] {hs, he, ws, we, countIncludePad ? size : (he - hs) * (we - ws)};
    }

    static void avgForward(FloatBuffer y, FloatBuffer x, int n, Window2d g, boolean countIncludePad) {
        int oh = g.outHeight(), ow = g.outWidth(), in = g.inSize(), plane = oh * ow;
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < g.channels(); c++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int[] win = avgWindow(g, i, j, countIncludePad);
                        double sum = 0;
                        for (int h = win[0]; h < win[1]; h++) {
                            for (int v = win[2]; v < win[3]; v++) {
                                sum += x.get(s * in + (c * g.height() + h) * g.width() + v);
                            }
                        }
                        y.put(s * g.channels() * plane + c * plane + i * ow + j, (float) (sum / win[4]));
                    }
                }
            }
        }
    }

    static void avgBackward(FloatBuffer dx, FloatBuffer dy, int n, Window2d g, boolean countIncludePad) {
        int oh = g.outHeight(), ow = g.outWidth(), in = g.inSize(), plane = oh * ow;
        for (int k = 0; k < n * in; k++) {
            dx.put(k, 0f);
        }
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < g.channels(); c++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int[] win = avgWindow(g, i, j, countIncludePad);
                        float d = dy.get(s * g.channels() * plane + c * plane + i * ow + j) / win[4];
                        for (int h = win[0]; h < win[1]; h++) {
                            for (int v = win[2]; v < win[3]; v++) {
                                int xi = s * in + (c * g.height() + h) * g.width() + v;
                                dx.put(xi, dx.get(xi) + d);
                            }
                        }
                    }
                }
            }
        }
    }
}
