// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lays a list of layer specs out over a network's two contiguous buffers: in layer order, each dense
 * layer's weight then bias; builds the runtime layers (deciding which bias an activation fuses and
 * which input gradients are needed) and the named parameter views, and initializes the values.
 */
final class Layout {
    private Layout() {}

    /** The input width: the first dense layer's {@code in}. */
    static int inputWidth(List<LayerSpec> specs) {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i) == null) {
                throw new IllegalArgumentException("layer " + i + " is null");
            }
        }
        for (LayerSpec s : specs) {
            if (s instanceof DenseSpec d) {
                return d.in();
            }
        }
        throw new IllegalArgumentException("a network needs at least one dense layer, got " + specs);
    }

    static int parameterCount(List<LayerSpec> specs) {
        long count = 0;
        for (LayerSpec s : specs) {
            if (s instanceof DenseSpec d) {
                count += d.parameterCount();
            }
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("network has " + count + " parameters, more than 2^31-1");
        }
        return (int) count;
    }

    /** The runtime layers; adds each parameter to {@code out} and fills it from {@code rng}. */
    static Layer[] build(List<LayerSpec> specs, int inFeatures, Tensor params, Tensor grads, SplittableRandom rng,
                         List<Parameter> out) {
        Layer[] layers = new Layer[specs.size()];
        int width = inFeatures;
        long offset = 0;
        boolean paramsBefore = false;
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec s = specs.get(i);
            if (s instanceof DenseSpec d) {
                if (d.in() != width) {
                    throw new IllegalArgumentException("layer " + i + " " + d.describe() + " takes " + d.in()
                            + " inputs but the layer before gives " + width);
                }
                Tensor w = params.view(offset, d.out(), d.in());
                Tensor dw = grads.view(offset, d.out(), d.in());
                out.add(new Parameter(i + ".weight", w, dw, offset));
                offset += (long) d.out() * d.in();
                Tensor b = params.view(offset, 1, d.out());
                Tensor db = grads.view(offset, 1, d.out());
                out.add(new Parameter(i + ".bias", b, db, offset));
                offset += d.out();
                float[] wv = new float[d.out() * d.in()];
                float[] bv = new float[d.out()];
                d.init().fill(wv, bv, d.in(), d.out(), rng);
                w.copyFrom(wv);
                b.copyFrom(bv);
                boolean fused = i + 1 < specs.size() && specs.get(i + 1) instanceof ActivationSpec;
                layers[i] = new DenseLayer(w, b, dw, db, fused, paramsBefore);
                paramsBefore = true;
                width = d.out();
            } else if (s instanceof ActivationSpec a) {
                DenseLayer before = i > 0 && layers[i - 1] instanceof DenseLayer dl ? dl : null;
                layers[i] = new ActivationLayer(a.activation(), width, before == null ? null : before.bias,
                        before == null ? null : before.dbias, paramsBefore);
            } else if (s instanceof DropoutSpec dr) {
                layers[i] = new DropoutLayer(dr.p(), width, paramsBefore);
            }
        }
        return layers;
    }
}
