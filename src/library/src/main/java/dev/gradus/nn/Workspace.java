// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;

/**
 * The activations and gradient workspaces of a {@link Network} for one batch size, allocated once
 * and reused by every pass of that size. {@code cur[i]} / {@code dcur[i]} name the tensor that holds
 * layer i's output / the loss gradient with respect to it in the current pass: usually the layer's
 * own {@code out[i]} / {@code grad[i]}, or its input's for a dropout layer that passes through.
 */
final class Workspace implements AutoCloseable {
    final int rows;
    final Tensor[] out;        // (rows, width of layer i), owned; null for a layer that passes its input on
    final Tensor[] scratch;    // per layer, owned (see Layer#scratchShape), or null
    final Tensor[] grad;       // ∂loss/∂(output of layer i), owned, allocated on the first backward where written
    final Tensor[] cur;
    final Tensor[] dcur;
    final boolean[] dropped;   // whether dropout layer i applied its mask in the last forward
    final boolean[] batchStats;   // whether batchnorm layer i normalized with batch statistics in the last forward
    Tensor input;              // the x of the last forward (read again by backward)
    long lastUse;
    private boolean gradsAllocated;

    /** With {@code masks}, the scratch a training forward writes (dropout masks); without, for inference only. */
    Workspace(int rows, Layer[] layers, boolean masks) {
        this.rows = rows;
        int n = layers.length;
        out = new Tensor[n];
        scratch = new Tensor[n];
        grad = new Tensor[n];
        cur = new Tensor[n];
        dcur = new Tensor[n];
        dropped = new boolean[n];
        batchStats = new boolean[n];
        try {
            for (int i = 0; i < n; i++) {
                if (layers[i].ownsOutput(masks)) {
                    out[i] = Tensor.allocate(rows, layers[i].outFeatures());
                }
                int[] s = layers[i].scratchShape(rows, masks);
                if (s != null) {
                    scratch[i] = Tensor.allocate(s[0], s[1]);
                }
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Allocates the gradient workspaces that backward writes: the last layer's, and each input gradient needed. */
    void ensureGrads(Layer[] layers) {
        if (gradsAllocated) {
            return;
        }
        int n = layers.length;
        for (int j = 0; j < n; j++) {
            if (j == n - 1 || layers[j + 1].needsInputGrad() && layers[j + 1].writesInputGrad()) {
                grad[j] = Tensor.allocate(rows, layers[j].outFeatures());
            }
        }
        gradsAllocated = true;
    }

    @Override
    public void close() {
        for (Tensor[] ts : new Tensor[][] {out, scratch, grad}) {
            for (Tensor t : ts) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }
}
