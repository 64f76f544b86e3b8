// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Activation;
import dev.gradus.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Lays a list of layer specs out over a network's two contiguous buffers: in layer order, each
 * layer's parameters in {@link LayerSpec#parameterShapes()} order; builds the runtime layers (deciding
 * which bias an activation fuses and which input gradients are needed) and the named parameter views,
 * and initializes the values.
 */
final class Layout {
    private Layout() {}

    /** The input a list of specs implies without being told: the first dense layer's {@code (in)}. */
    static Shape impliedInput(List<LayerSpec> specs) {
        checkNotNull(specs);
        for (LayerSpec s : specs) {
            if (s instanceof DenseSpec d) {
                return Shape.flat(d.in());
            }
        }
        throw new IllegalArgumentException("a network without a dense layer needs its input shape, got " + specs);
    }

    /** Each layer's output shape, validating every layer against its input. */
    static Shape[] shapes(Shape input, List<LayerSpec> specs) {
        checkNotNull(specs);
        if (input == null) {
            throw new IllegalArgumentException("the input shape must not be null");
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        Shape[] out = new Shape[specs.size()];
        Shape shape = input;
        for (int i = 0; i < specs.size(); i++) {
            try {
                shape = specs.get(i).outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
            }
            out[i] = shape;
        }
        return out;
    }

    static int parameterCount(List<LayerSpec> specs) {
        long count = 0;
        for (LayerSpec s : specs) {
            count += count(s);
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("network has " + count + " parameters, more than 2^31-1");
        }
        return (int) count;
    }

    /** The float32 values of all buffers (counters are not in the buffer tensor). */
    static int bufferCount(List<LayerSpec> specs) {
        long count = 0;
        for (LayerSpec s : specs) {
            for (long[] shape : s.bufferShapes().values()) {
                count += shape.length == 0 ? 0 : product(shape);
            }
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("network has " + count + " buffer values, more than 2^31-1");
        }
        return (int) count;
    }

    /** The number of values in a layer's parameters. */
    static long count(LayerSpec s) {
        long count = 0;
        for (long[] shape : s.parameterShapes().values()) {
            count += product(shape);
        }
        return count;
    }

    /**
     * The runtime layers; adds each parameter to {@code out} and fills it from {@code rng}, and each
     * buffer (views of {@code buffers}, float values in layer order) to {@code bufferList}, initialized.
     */
    static Layer[] build(List<LayerSpec> specs, Shape input, Shape[] shapes, Tensor params, Tensor grads,
                         Tensor buffers, SplittableRandom rng, List<Parameter> out, List<Buffer> bufferList) {
        Layer[] layers = new Layer[specs.size()];
        long offset = 0;
        long bufferOffset = 0;
        boolean paramsBefore = false;
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec s = specs.get(i);
            List<Tensor> values = new ArrayList<>();
            List<Tensor> gradients = new ArrayList<>();
            List<float[]> initial = new ArrayList<>();
            for (Map.Entry<String, long[]> e : s.parameterShapes().entrySet()) {
                long[] shape = e.getValue();
                int size = (int) product(shape);
                int rows = shape.length == 1 ? 1 : (int) shape[0];   // a [1, n] view for a 1-D parameter
                Tensor v = params.view(offset, rows, size / rows);
                Tensor g = grads.view(offset, rows, size / rows);
                out.add(new Parameter(i + "." + e.getKey(), ints(shape), v, g, offset));
                values.add(v);
                gradients.add(g);
                initial.add(new float[size]);
                offset += size;
            }
            s.initialize(initial, rng);
            for (int k = 0; k < values.size(); k++) {
                values.get(k).copyFrom(initial.get(k));
            }
            List<Buffer> own = new ArrayList<>();
            List<float[]> initialBuffers = new ArrayList<>();
            for (Map.Entry<String, long[]> e : s.bufferShapes().entrySet()) {
                long[] shape = e.getValue();
                String name = i + "." + e.getKey();
                if (shape.length == 0) {
                    own.add(Buffer.counter(name));
                    continue;
                }
                int size = (int) product(shape);
                int rows = shape.length == 1 ? 1 : (int) shape[0];
                own.add(Buffer.floats(name, ints(shape), buffers.view(bufferOffset, rows, size / rows)));
                initialBuffers.add(new float[size]);
                bufferOffset += size;
            }
            s.initializeBuffers(initialBuffers);
            int k = 0;
            for (Buffer b : own) {
                if (!b.isCounter()) {
                    b.value().copyFrom(initialBuffers.get(k++));
                }
            }
            bufferList.addAll(own);
            layers[i] = s.accept(new Runtime(specs, layers, i, i == 0 ? input : shapes[i - 1], shapes[i],
                    values, gradients, own, paramsBefore));
            paramsBefore |= !values.isEmpty();
        }
        return layers;
    }

    /** Builds layer i's runtime form from its spec, its shapes and its parameter views. */
    private record Runtime(List<LayerSpec> specs, Layer[] built, int i, Shape in, Shape out, List<Tensor> values,
                           List<Tensor> grads, List<Buffer> buffers, boolean inputGrad)
            implements LayerSpec.Visitor<Layer> {
        @Override
        public Layer dense(DenseSpec spec) {
            boolean fused = i + 1 < specs.size() && specs.get(i + 1) instanceof ActivationSpec;
            return new DenseLayer(values.get(0), values.get(1), grads.get(0), grads.get(1), fused, inputGrad);
        }

        @Override
        public Layer activation(ActivationSpec spec) {
            if (poolsFirst(specs, i)) {   // this layer pools; the next applies the ReLU
                Pool2dSpec pool = (Pool2dSpec) specs.get(i + 1);
                return new Pool2dLayer(true, pool.countIncludePad(), pool.window(in), inputGrad);
            }
            DenseLayer before = i > 0 && built[i - 1] instanceof DenseLayer dl ? dl : null;
            return new ActivationLayer(spec.activation(), out.size(), before == null ? null : before.bias,
                    before == null ? null : before.dbias, inputGrad);
        }

        @Override
        public Layer dropout(DropoutSpec spec) {
            return new DropoutLayer(spec.p(), out.size(), inputGrad);
        }

        @Override
        public Layer conv2d(Conv2dSpec spec) {
            return new Conv2dLayer(values.get(0), spec.bias() ? values.get(1) : null, grads.get(0),
                    spec.bias() ? grads.get(1) : null, spec.window(in), inputGrad);
        }

        @Override
        public Layer pool2d(Pool2dSpec spec) {
            if (i > 0 && poolsFirst(specs, i - 1)) {
                return new ActivationLayer(Activation.RELU, out.size(), null, null, inputGrad);
            }
            return new Pool2dLayer(spec.max(), spec.countIncludePad(), spec.window(in), inputGrad);
        }

        @Override
        public Layer flatten(FlattenSpec spec) {
            return new FlattenLayer(out.size(), inputGrad);
        }

        @Override
        public Layer batchNorm(BatchNormSpec spec) {
            return new BatchNormLayer(spec, out.size(), values, grads, buffers, inputGrad);
        }

        @Override
        public Layer layerNorm(LayerNormSpec spec) {
            return new LayerNormLayer(spec.eps(), out.size(), values, grads, inputGrad);
        }
    }

    /**
     * Whether spec i, a ReLU, and spec i + 1, a max pooling, run in the other order: pooling first, then
     * the ReLU over a quarter (for 2x2 windows) of the values. The two commute exactly: ReLU is monotone,
     * so relu(max(x)) = max(relu(x)), and it keeps NaN; a window's gradient is nonzero only where its
     * maximum is positive or NaN, and there the element the pooling picks in x is the one it picks in
     * relu(x). (A ReLU after a dense layer, which fuses its bias, is never pooled: its output is flat.)
     */
    static boolean poolsFirst(List<LayerSpec> specs, int i) {
        return i + 1 < specs.size() && specs.get(i) instanceof ActivationSpec a
                && a.activation().kind() == Activation.Kind.RELU
                && specs.get(i + 1) instanceof Pool2dSpec p && p.max();
    }

    private static void checkNotNull(List<LayerSpec> specs) {
        if (specs == null) {
            throw new IllegalArgumentException("layers must not be null");
        }
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i) == null) {
                throw new IllegalArgumentException("layer " + i + " is null");
            }
        }
    }

    static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static int[] ints(long[] shape) {
        int[] s = new int[shape.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = (int) shape[k];
        }
        return s;
    }
}
