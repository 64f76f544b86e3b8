// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One layer of a {@link Network}, as plain data: what a model file stores and what
 * {@link Network#Network} builds from. The index of a spec in the list is the number in its
 * parameters' names ({@code "0.weight"}), as in a PyTorch {@code nn.Sequential}.
 *
 * <p>Every fact about a layer kind is a method here, so a new kind does not compile until it states
 * them all: its output shape, its parameters' PyTorch names and shapes, their initialization, its JSON
 * form, its summary line, its double-precision evaluation, and (through {@link Visitor}) its runtime
 * layer. {@code io.Architecture} reads the JSON back, one {@code fromJson} per kind.
 */
public sealed interface LayerSpec permits DenseSpec, ActivationSpec, DropoutSpec, Conv2dSpec, Pool2dSpec,
        FlattenSpec, BatchNormSpec, LayerNormSpec {

    /** A short readable description for {@link Network#summary()}, e.g. {@code dense(784 -> 128)}. */
    String describe();

    /**
     * The shape of one output sample for an input sample of shape {@code in}.
     *
     * @throws IllegalArgumentException naming this layer and both shapes when it cannot take {@code in}
     */
    Shape outputShape(Shape in);

    /**
     * This layer's parameters by their PyTorch names within the layer ({@code weight}, {@code bias}),
     * in storage order, with their shapes ({@code weight [out, in]}): what a model file must hold for it,
     * known before anything is allocated.
     */
    Map<String, long[]> parameterShapes();

    /**
     * Fills this layer's parameters, given in {@link #parameterShapes()} order as row-major arrays,
     * drawing from {@code rng}; fan-in and fan-out are the layer's own.
     */
    void initialize(List<float[]> values, SplittableRandom rng);

    /** The JSON object a model file and a reference case hold for this layer ({@code "type"} first). */
    Map<String, Object> toJson();

    /**
     * This layer's output for {@code n} samples {@code x} of shape {@code in}, in double precision with
     * plain loops: the independent oracle that gradient checks differentiate. {@code params} are in
     * {@link #parameterShapes()} order; {@code mask}, when not null, is a dropout layer's training-mode
     * multipliers (0 or 1/(1−p), one per value), and is ignored by every other kind. Training mode:
     * batchnorm normalizes with the batch statistics.
     */
    double[] evaluate(double[] x, int n, Shape in, List<double[]> params, double[] mask);

    /**
     * This layer's buffers (state that training updates and no optimizer does, PyTorch's
     * {@code register_buffer}) by their PyTorch names within the layer, in storage order, with their
     * shapes: float32 values, except that a scalar (shape {@code []}) is an int64 counter, as PyTorch's
     * {@code num_batches_tracked}. None unless the kind has some.
     */
    default Map<String, long[]> bufferShapes() {
        return Map.of();
    }

    /** Sets the initial values of the float buffers, given in {@link #bufferShapes()} order (counters start at 0). */
    default void initializeBuffers(List<float[]> values) {
        // zeros
    }

    /**
     * As {@link #evaluate}, in eval mode: dropout off, and for a layer with buffers its running state,
     * {@code buffers} in {@link #bufferShapes()} order (a counter as one value).
     */
    default double[] evaluateInference(double[] x, int n, Shape in, List<double[]> params, List<double[]> buffers) {
        return evaluate(x, n, in, params, null);
    }

    /** Dispatches to the visitor's method for this kind. */
    <R> R accept(Visitor<R> visitor);

    /** One method per layer kind: a new kind adds one here, and every visitor must handle it. */
    interface Visitor<R> {
        R dense(DenseSpec spec);
        R activation(ActivationSpec spec);
        R dropout(DropoutSpec spec);
        R conv2d(Conv2dSpec spec);
        R pool2d(Pool2dSpec spec);
        R flatten(FlattenSpec spec);
        R batchNorm(BatchNormSpec spec);
        R layerNorm(LayerNormSpec spec);
    }
}
