// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Version;
import dev.gradus.data.Standardization;
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.BatchNormSpec;
import dev.gradus.nn.Buffer;
import dev.gradus.nn.Conv2dSpec;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.DropoutSpec;
import dev.gradus.nn.FlattenSpec;
import dev.gradus.nn.LayerNormSpec;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.nn.Parameter;
import dev.gradus.nn.Pool2dSpec;
import dev.gradus.nn.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network as an ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}) in inference
 * form, for ONNX Runtime and anything else that runs ONNX. Each layer maps to the operators that
 * compute exactly what Gradus computes:
 * <table>
 * <caption>Layers and their ONNX operators</caption>
 * <tr><th>Gradus</th><th>ONNX</th></tr>
 * <tr><td>dense</td><td>{@code Gemm(x, K.weight, K.bias, transB=1)}: {@code x·Wᵀ + b}, the weight
 *     {@code [out, in]} as stored</td></tr>
 * <tr><td>identity</td><td>nothing</td></tr>
 * <tr><td>sigmoid, tanh, relu</td><td>{@code Sigmoid}, {@code Tanh}, {@code Relu}</td></tr>
 * <tr><td>leaky_relu(slope)</td><td>{@code LeakyRelu(alpha=slope)}: both are x for x &gt; 0, slope·x
 *     otherwise</td></tr>
 * <tr><td>elu(alpha)</td><td>{@code Elu(alpha)}: both are x for x &gt; 0, alpha·(eˣ − 1) otherwise
 *     (they agree at 0)</td></tr>
 * <tr><td>gelu</td><td>exact, x·Φ(x): {@code Mul(Mul(x, Add(Erf(Mul(x, 1/√2)), 1)), 0.5)} — opset 17
 *     has no {@code Gelu} (it came in opset 20), and its tanh approximation would differ by up to
 *     ~5e-4</td></tr>
 * <tr><td>softplus</td><td>{@code Softplus}: log(1 + eˣ). Gradus (as PyTorch) returns x itself above
 *     20, where log(1 + eˣ) − x &lt; 2.1e-9 is below half a float32 ulp of x: the same float</td></tr>
 * <tr><td>softmax</td><td>{@code Softmax(axis=-1)}: over each row</td></tr>
 * <tr><td>dropout</td><td>nothing: an exported model is in evaluation mode</td></tr>
 * <tr><td>conv2d</td><td>{@code Conv(x, K.weight[, K.bias])} with {@code kernel_shape}, {@code strides},
 *     {@code pads} (zeros, the same at both ends) and {@code dilations}; the weight
 *     {@code [out, in, kh, kw]} as stored, no bias input without a bias</td></tr>
 * <tr><td>maxpool2d</td><td>{@code MaxPool} (padding is −∞ in both), floor mode</td></tr>
 * <tr><td>avgpool2d</td><td>{@code AveragePool} with {@code count_include_pad} 1 or 0, floor mode</td></tr>
 * <tr><td>flatten</td><td>{@code Flatten(axis=1)}: {@code [N, C, H, W]} to {@code [N, C·H·W]}, row-major
 *     as Gradus's rows</td></tr>
 * <tr><td>batchnorm1d, batchnorm2d</td><td>{@code BatchNormalization(x, K.weight, K.bias, K.running_mean,
 *     K.running_var, epsilon)} in inference mode: the running statistics, as Gradus's eval mode; ONNX
 *     takes {@code [N, C, ...]}, so {@code [N, F]} and {@code [N, C, H, W]} alike (the counter
 *     {@code num_batches_tracked} and momentum only matter to training)</td></tr>
 * <tr><td>layernorm</td><td>{@code LayerNormalization(x, K.weight, K.bias, axis, epsilon)}, {@code axis}
 *     the first normalized dim of the input with its batch dim (1 for {@code [F]} or {@code [C, H, W]}
 *     normalized whole), γ and β of {@code normalized_shape} as stored</td></tr>
 * </table>
 * Every layer kind has a method in the exporter's {@link LayerSpec.Visitor}, so a new kind does not
 * compile until it maps to operators.
 *
 * <p><b>Inputs and outputs.</b> One input, {@value #INPUT}, float {@code [batch, in]}, or
 * {@code [batch, C, H, W]} for a network on images (NCHW, as PyTorch), with a symbolic batch size.
 * The outputs are always {@code [batch, out]}: a network whose last layer gives images ends in a
 * {@code Flatten}, as the rows {@link Network#predict} returns. For a network trained on logits
 * ({@code cross_entropy}, {@code bce_with_logits}) two outputs: {@value #LOGITS}, the network's own
 * output (what {@link Network#predict} returns), and {@value #PROBABILITIES}, its softmax ({@code cross_entropy}) or sigmoid ({@code bce_with_logits});
 * a runtime computes only the outputs asked for. For any other loss one output, {@value #OUTPUT}: the
 * network's output (a {@code bce} network ends in its own sigmoid).
 *
 * <p><b>Metadata</b> ({@code metadata_props}): {@value #KEY_VERSION} (this library's version),
 * {@value #KEY_ARCHITECTURE} (the layers and loss as {@link Architecture} JSON, as a model file holds
 * them), and the caller's entries; producer {@code gradus} and its version.
 *
 * <p>The file is written with a small protobuf writer of this package rather than protobuf-java: the
 * handful of ONNX messages needs a few dozen lines, and a protobuf runtime on the class path often
 * clashes with the version an application already has.
 */
public final class OnnxExport {
    public static final int OPSET = 17;
    /** The IR version that opset 17 came with (ONNX 1.12). */
    public static final int IR_VERSION = 8;
    public static final String INPUT = "input";
    public static final String LOGITS = "logits";
    public static final String PROBABILITIES = "probabilities";
    public static final String OUTPUT = "output";
    public static final String KEY_VERSION = "gradus_version";
    public static final String KEY_ARCHITECTURE = "architecture";
    private static final String BATCH = "batch";

    // ONNX's enum values: TensorProto.DataType.FLOAT and AttributeProto.AttributeType.{FLOAT, INT, INTS}
    private static final int FLOAT_TYPE = 1;
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private OnnxExport() {}

    /**
     * Writes {@code network} to {@code file} as ONNX, atomically ({@link AtomicFile}), with the extra
     * metadata entries {@code metadata} (for instance the class names).
     * @param file the .onnx file to write
     * @param network the network (its current parameters are written)
     * @param metadata extra {@code metadata_props} entries; not {@value #KEY_VERSION} or {@value #KEY_ARCHITECTURE}
     * @throws IOException when the file cannot be written
     * @throws IllegalArgumentException when a layer has no ONNX form, or a metadata key is reserved
     */
    public static void write(Path file, Network network, Map<String, String> metadata) throws IOException {
        write(file, network, metadata, null);
    }

    /**
     * As {@link #write(Path, Network, Map)}, with the input standardization baked in (null: none): the
     * graph begins {@code Div(Sub(input, standardize.mean), standardize.scale)}, the statistics of the
     * input's shape ({@code [F]}, or {@code [C, H, W]}: one per value of an image, as Gradus applies them
     * to its rows), so the file takes raw features, as {@code ModelFile.Loaded.predictor()} does (float32
     * arithmetic there, where Gradus standardizes in double and rounds once: a difference of an ulp of the
     * standardized value).
     * @param file the .onnx file to write
     * @param network the network
     * @param metadata extra {@code metadata_props} entries
     * @param standardization the model's {@link Standardization}, or null
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Network network, Map<String, String> metadata, Standardization standardization)
            throws IOException {
        ProtoWriter model = model(network, metadata, standardization);
        AtomicFile.write(file, model::writeTo);
    }

    /**
     * The ONNX model's bytes, as {@link #write} writes them.
     * @param network the network
     * @param metadata extra {@code metadata_props} entries
     * @return the serialized {@code ModelProto}
     */
    public static byte[] toBytes(Network network, Map<String, String> metadata) {
        return toBytes(network, metadata, null);
    }

    /**
     * The bytes {@link #write(Path, Network, Map, Standardization)} writes.
     * @param network the network
     * @param metadata extra {@code metadata_props} entries
     * @param standardization the input standardization to bake in, or null
     * @return the serialized {@code ModelProto}
     */
    public static byte[] toBytes(Network network, Map<String, String> metadata, Standardization standardization) {
        return model(network, metadata, standardization).toByteArray();
    }

    /**
     * The names of the outputs an export of a network trained with {@code loss} has, in order.
     * @param loss the network's loss
     * @return {@value #LOGITS} and {@value #PROBABILITIES}, or {@value #OUTPUT}
     */
    public static List<String> outputNames(Loss loss) {
        return probabilities(loss) == null ? List.of(OUTPUT) : List.of(LOGITS, PROBABILITIES);
    }

    /** The operator that turns the network's logits into probabilities, or null when its output is not logits. */
    private static String probabilities(Loss loss) {
        return switch (loss.kind()) {
            case CROSS_ENTROPY -> "Softmax";
            case BCE_WITH_LOGITS -> "Sigmoid";
            default -> null;
        };
    }

    private static ProtoWriter model(Network network, Map<String, String> metadata, Standardization standardization) {
        if (standardization != null && standardization.featureCount() != network.inFeatures()) {
            throw new IllegalArgumentException("a standardization of " + standardization.featureCount()
                    + " features for a network of " + network.inFeatures() + " inputs");
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put(KEY_VERSION, Version.current());
        props.put(KEY_ARCHITECTURE, Architecture.of(network).toJson());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (props.containsKey(e.getKey())) {
                throw new IllegalArgumentException("ONNX metadata key '" + e.getKey() + "' is reserved");
            }
            props.put(e.getKey(), e.getValue());
        }
        ProtoWriter graph = new Graph(network, standardization).build();
        ProtoWriter model = new ProtoWriter()
                .int64(1, IR_VERSION)                        // ir_version
                .string(2, "gradus")                         // producer_name
                .string(3, Version.current())                // producer_version
                .string(6, "A Gradus network; outputs: " + String.join(", ", outputNames(network.loss())))
                .message(7, graph)                           // graph
                .message(8, new ProtoWriter().string(1, "").int64(2, OPSET));   // opset_import: ai.onnx
        for (Map.Entry<String, String> e : props.entrySet()) {
            model.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));   // metadata_props
        }
        return model;
    }

    /** The graph of one network: its nodes and initializers, built layer by layer. */
    private static final class Graph {
        private final Network network;
        private final List<Node> nodes = new ArrayList<>();
        private final List<ProtoWriter> initializers = new ArrayList<>();
        private final Map<String, Float> constants = new LinkedHashMap<>();
        private final Standardization standardization;
        private int values;

        Graph(Network network, Standardization standardization) {
            this.network = network;
            this.standardization = standardization;
        }

        ProtoWriter build() {
            String x = INPUT;
            if (standardization != null) {
                long[] dims = ModelFile.longs(network.inputShape().dims());   // per value: [F] or [C, H, W]
                initializers.add(tensor("standardize.mean", dims, standardization.mean()));
                initializers.add(tensor("standardize.scale", dims, standardization.scale()));
                x = node("Sub", "standardize.centered", x, "standardize.mean").outputs.get(0);
                x = node("Div", "standardize.output", x, "standardize.scale").outputs.get(0);
            }
            List<LayerSpec> layers = network.layers();
            for (int i = 0; i < layers.size(); i++) {
                x = layers.get(i).accept(new LayerNodes(i, x));
            }
            if (network.outputShape(layers.size() - 1).isImage()) {   // the rows predict returns: [batch, C·H·W]
                x = node("Flatten", fresh(layers.size(), "flatten"), x).intAttribute("axis", 1).outputs.get(0);
            }
            String probabilities = probabilities(network.loss());
            String main = probabilities == null ? OUTPUT : LOGITS;
            Node last = nodes.isEmpty() ? null : nodes.get(nodes.size() - 1);
            if (last != null && last.outputs.get(0).equals(x)) {   // the last node's output becomes the graph's
                last.outputs.set(0, main);
            } else {
                node("Identity", main, x);
            }
            if (probabilities != null) {
                Node p = node(probabilities, PROBABILITIES, LOGITS);
                if (probabilities.equals("Softmax")) {
                    p.intAttribute("axis", -1);
                }
            }
            ProtoWriter g = new ProtoWriter();
            for (Node n : nodes) {
                g.message(1, n.encode());                       // node
            }
            g.string(2, "gradus");                              // name
            for (ProtoWriter t : initializers) {
                g.message(5, t);                                // initializer
            }
            for (Map.Entry<String, Float> c : constants.entrySet()) {
                g.message(5, tensor(c.getKey(), new long[0], new float[] {c.getValue()}));
            }
            g.message(11, valueInfo(INPUT, network.inputShape().dims()));   // input
            for (String name : outputNames(network.loss())) {
                g.message(12, valueInfo(name, network.outFeatures()));      // output
            }
            return g;
        }

        /**
         * The nodes of layer {@code i}, reading value {@code x}: each method adds them and returns the value
         * the layer produces.
         */
        private final class LayerNodes implements LayerSpec.Visitor<String> {
            private final int i;
            private final String x;

            LayerNodes(int i, String x) {
                this.i = i;
                this.x = x;
            }

            @Override
            public String dense(DenseSpec spec) {
                return node("Gemm", fresh(i, "gemm"), x, parameter(i + ".weight"), parameter(i + ".bias"))
                        .intAttribute("transB", 1).outputs.get(0);
            }

            @Override
            public String dropout(DropoutSpec spec) {
                return x;
            }

            @Override
            public String conv2d(Conv2dSpec c) {
                String w = parameter(i + ".weight");
                Node n = c.bias() ? node("Conv", fresh(i, "conv"), x, w, parameter(i + ".bias"))
                        : node("Conv", fresh(i, "conv"), x, w);
                return n.intsAttribute("kernel_shape", c.kh(), c.kw()).intsAttribute("strides", c.sh(), c.sw())
                        .intsAttribute("pads", c.ph(), c.pw(), c.ph(), c.pw())      // begin H, W; end H, W
                        .intsAttribute("dilations", c.dh(), c.dw()).outputs.get(0);
            }

            @Override
            public String pool2d(Pool2dSpec p) {
                Node n = p.max() ? node("MaxPool", fresh(i, "maxpool"), x)
                        : node("AveragePool", fresh(i, "avgpool"), x).intAttribute("count_include_pad", p.countIncludePad() ? 1 : 0);
                return n.intsAttribute("kernel_shape", p.kh(), p.kw()).intsAttribute("strides", p.sh(), p.sw())
                        .intsAttribute("pads", p.ph(), p.pw(), p.ph(), p.pw()).outputs.get(0);   // floor mode: ceil_mode 0
            }

            @Override
            public String flatten(FlattenSpec spec) {
                return node("Flatten", fresh(i, "flatten"), x).intAttribute("axis", 1).outputs.get(0);
            }

            @Override
            public String batchNorm(BatchNormSpec b) {
                return node("BatchNormalization", fresh(i, "batchnorm"), x, parameter(i + ".weight"),
                        parameter(i + ".bias"), buffer(i + ".running_mean"), buffer(i + ".running_var"))
                        .floatAttribute("epsilon", (float) b.eps()).outputs.get(0);   // training_mode 0: inference
            }

            @Override
            public String layerNorm(LayerNormSpec l) {
                Shape in = i == 0 ? network.inputShape() : network.outputShape(i - 1);
                int axis = in.dims().length + 1 - l.normalizedShape().size();   // with the batch dim in front
                return node("LayerNormalization", fresh(i, "layernorm"), x, parameter(i + ".weight"), parameter(i + ".bias"))
                        .intAttribute("axis", axis).floatAttribute("epsilon", (float) l.eps()).outputs.get(0);
            }

            @Override
            public String activation(ActivationSpec spec) {
                Activation a = spec.activation();
                return switch (a.kind()) {
                    case IDENTITY -> x;
                    case SIGMOID -> node("Sigmoid", fresh(i, "sigmoid"), x).outputs.get(0);
                    case TANH -> node("Tanh", fresh(i, "tanh"), x).outputs.get(0);
                    case RELU -> node("Relu", fresh(i, "relu"), x).outputs.get(0);
                    case LEAKY_RELU -> node("LeakyRelu", fresh(i, "leaky_relu"), x).floatAttribute("alpha", a.param()).outputs.get(0);
                    case ELU -> node("Elu", fresh(i, "elu"), x).floatAttribute("alpha", a.param()).outputs.get(0);
                    case SOFTPLUS -> node("Softplus", fresh(i, "softplus"), x).outputs.get(0);
                    case SOFTMAX -> node("Softmax", fresh(i, "softmax"), x).intAttribute("axis", -1).outputs.get(0);   // flat rows only
                    case GELU -> {
                        String scaled = node("Mul", fresh(i, "gelu_scaled"), x, constant("gelu_inv_sqrt2", (float) (1 / Math.sqrt(2)))).outputs.get(0);
                        String erf = node("Erf", fresh(i, "gelu_erf"), scaled).outputs.get(0);
                        String plus = node("Add", fresh(i, "gelu_plus1"), erf, constant("gelu_one", 1f)).outputs.get(0);
                        String times = node("Mul", fresh(i, "gelu_times_x"), x, plus).outputs.get(0);
                        yield node("Mul", fresh(i, "gelu"), times, constant("gelu_half", 0.5f)).outputs.get(0);
                    }
                };
            }
        }

        private String fresh(int layer, String what) {
            return layer + "." + what + "_" + values++;
        }

        private String constant(String name, float value) {
            constants.put(name, value);
            return name;
        }

        private Node node(String op, String output, String... inputs) {
            Node n = new Node(op, output, inputs);
            nodes.add(n);
            return n;
        }

        /** Adds parameter {@code name} as an initializer of PyTorch's shape (a conv weight [out, in, kh, kw]); returns its name. */
        private String parameter(String name) {
            Parameter p = network.parameter(name);
            initializers.add(tensor(name, ModelFile.longs(p.shape()), p.value().toArray()));
            return name;
        }

        /** Adds float buffer {@code name} (a running mean or variance, {@code [num_features]}) as an initializer; returns its name. */
        private String buffer(String name) {
            Buffer b = network.buffer(name);
            initializers.add(tensor(name, ModelFile.longs(b.shape()), b.value().toArray()));
            return name;
        }

        /** A float tensor's {@code ValueInfoProto}: {@code [batch, dims...]}, the batch size symbolic. */
        private static ProtoWriter valueInfo(String name, int... dims) {
            ProtoWriter shape = new ProtoWriter().message(1, new ProtoWriter().string(2, BATCH));   // dim { dim_param }
            for (int d : dims) {
                shape.message(1, new ProtoWriter().int64(1, d));                                    // dim { dim_value }
            }
            ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT_TYPE).message(2, shape);
            return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
        }
    }

    /** A {@code TensorProto} of float32 values in {@code raw_data}. */
    private static ProtoWriter tensor(String name, long[] dims, float[] values) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.int64(1, d);                                      // dims
        }
        return t.int64(2, FLOAT_TYPE)                           // data_type
                .string(8, name)                                // name
                .floatsLittleEndian(9, values);                 // raw_data
    }

    /** A {@code NodeProto}, its attributes added before it is encoded. */
    private static final class Node {
        final String op;
        final List<String> inputs;
        final List<String> outputs = new ArrayList<>();
        final List<ProtoWriter> attributes = new ArrayList<>();

        Node(String op, String output, String... inputs) {
            this.op = op;
            this.inputs = List.of(inputs);
            this.outputs.add(output);
        }

        Node intAttribute(String name, long value) {
            attributes.add(new ProtoWriter().string(1, name).int64(20, ATTR_INT).int64(3, value));
            return this;
        }

        Node intsAttribute(String name, long... values) {
            ProtoWriter a = new ProtoWriter().string(1, name).int64(20, ATTR_INTS);
            for (long v : values) {
                a.int64(8, v);                                  // ints, unpacked
            }
            attributes.add(a);
            return this;
        }

        Node floatAttribute(String name, float value) {
            attributes.add(new ProtoWriter().string(1, name).int64(20, ATTR_FLOAT).float32(2, value));
            return this;
        }

        ProtoWriter encode() {
            ProtoWriter n = new ProtoWriter();
            for (String in : inputs) {
                n.string(1, in);
            }
            for (String out : outputs) {
                n.string(2, out);
            }
            n.string(3, outputs.get(0)).string(4, op);          // name (its output's), op_type
            for (ProtoWriter a : attributes) {
                n.message(5, a);
            }
            return n;
        }
    }
}
