// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import dev.gradus.Activation;
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.BatchNormSpec;
import dev.gradus.nn.Conv2dSpec;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.DropoutSpec;
import dev.gradus.nn.FlattenSpec;
import dev.gradus.nn.Init;
import dev.gradus.nn.LayerNormSpec;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Pool2dSpec;
import dev.gradus.nn.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A network's layers written once and readable, in PyTorch's words:
 * <pre>
 * conv2d(6, 5, padding=2) relu maxpool2d(2) conv2d(16, 5) relu maxpool2d(2) flatten dense(120) relu dense(84) relu dense(10)
 * </pre>
 * Layers are separated by white space (a {@code #} starts a comment to the end of the line); each is a
 * name, optionally with arguments in parentheses, positional first, then {@code key=value}. Input
 * channels and features are never written: each layer takes the output shape of the one before it,
 * the first the given input shape. A kernel, stride, padding or dilation is {@code N} or {@code (h, w)}.
 * <ul>
 * <li>{@code conv2d(out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=true)}
 * <li>{@code maxpool2d(kernel_size, stride=kernel_size, padding=0)}
 * <li>{@code avgpool2d(kernel_size, stride=kernel_size, padding=0, count_include_pad=true)}
 * <li>{@code flatten}, {@code dense(out_features)}, {@code dropout(p=0.5)}
 * <li>{@code batchnorm1d(eps=1e-5, momentum=0.1)} on flat samples, {@code batchnorm2d(...)} on images
 * <li>{@code layernorm(normalized_shape, eps=1e-5)}: N, (h, w) or (c, h, w) trailing dims; the whole sample when absent
 * <li>activations: {@code identity sigmoid tanh relu leaky_relu(negative_slope=0.01) elu(alpha=1.0) gelu
 *     softplus softmax}
 * </ul>
 * {@code conv2d} and {@code dense} also take {@code init=NAME} ({@link Init#parse}); an explicit
 * {@code in_channels=}, {@code in_features=} or {@code num_features=} is checked against the inferred one. A built-in name
 * ({@link #BUILT_IN}, e.g. {@code lenet5}) stands for its notation. Errors are
 * {@link IllegalArgumentException}s naming the line, column and token, and what was expected.
 */
public final class ModelNotation {
    /** Named architectures: LeNet-5 as {@code ../shared/bench/README.md}'s network C, for 28×28 images. */
    public static final Map<String, String> BUILT_IN = Map.of("lenet5",
            "conv2d(6, 5, padding=2) relu maxpool2d(2) conv2d(16, 5) relu maxpool2d(2) flatten dense(120) relu dense(84) relu dense(10)");

    /** One layer kind: builds its spec from the arguments, given the shape it takes. */
    private interface Kind {
        LayerSpec build(Args args, Shape in);
    }

    /** Every name the notation knows; a new layer kind is one entry here and one case in {@link #format}. */
    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("conv2d", ModelNotation::conv2d);
        KINDS.put("maxpool2d", (a, in) -> pool2d(true, a, in));
        KINDS.put("avgpool2d", (a, in) -> pool2d(false, a, in));
        KINDS.put("flatten", (a, in) -> {
            a.bind();
            return new FlattenSpec();
        });
        KINDS.put("dense", ModelNotation::dense);
        KINDS.put("dropout", (a, in) -> {
            a.bind("p");
            return new DropoutSpec(a.real("p", 0.5f));
        });
        for (Activation.Kind k : Activation.Kind.values()) {
            KINDS.put(new Activation(k, 0f).label(), ModelNotation::activation);
        }
        KINDS.put("none", ModelNotation::activation);   // identity, as --activation takes it
        KINDS.put("linear", (a, in) -> {   // --activation's other identity, but PyTorch's word for a dense layer
            throw a.error("ambiguous: write dense(N) for a linear layer, identity for no activation");
        });
        KINDS.put("batchnorm1d", (a, in) -> batchNorm(false, a, in));
        KINDS.put("batchnorm2d", (a, in) -> batchNorm(true, a, in));
        KINDS.put("layernorm", ModelNotation::layerNorm);
    }

    private ModelNotation() {}

    /**
     * The layers {@code text} (a notation, or a {@link #BUILT_IN} name) describes, for input samples of
     * shape {@code input}.
     *
     * @throws IllegalArgumentException naming the position and token of the first error and what was expected,
     *         or the layer and the shapes when a layer cannot take its input
     */
    public static List<LayerSpec> parse(String text, Shape input) {
        if (text == null || input == null) {
            throw new IllegalArgumentException("a model notation and an input shape are required");
        }
        String source = BUILT_IN.getOrDefault(text.trim().toLowerCase(Locale.ROOT), text);
        List<Call> calls = new Parser(source).calls();
        if (calls.isEmpty()) {
            throw new IllegalArgumentException("the model has no layers: expected e.g. \"" + BUILT_IN.get("lenet5") + "\"");
        }
        List<LayerSpec> layers = new ArrayList<>();
        Shape shape = input;
        for (Call call : calls) {
            Kind kind = KINDS.get(call.name);
            if (kind == null) {
                throw call.error("unknown layer '" + call.name + "' (known: " + String.join(", ", KINDS.keySet())
                        + ", or a built-in model: " + String.join(", ", BUILT_IN.keySet()) + ")");
            }
            LayerSpec spec;
            Shape out;
            try {
                spec = kind.build(new Args(call), shape);
                out = spec.outputShape(shape);
            } catch (NotationException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw call.error(e.getMessage());
            }
            layers.add(spec);
            shape = out;
        }
        return layers;
    }

    /** {@code layers} in this notation, which {@link #parse} reads back to equal specs for the same input shape. */
    public static String format(List<LayerSpec> layers) {
        StringBuilder sb = new StringBuilder();
        for (LayerSpec spec : layers) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(format(spec));
        }
        return sb.toString();
    }

    /** One layer in this notation, e.g. {@code conv2d(16, 5)} or {@code maxpool2d(2)}. */
    public static String format(LayerSpec spec) {
        return spec.accept(new LayerSpec.Visitor<String>() {
            @Override
            public String dense(DenseSpec s) {
                return "dense(" + s.out() + init(s.init()) + ")";
            }

            @Override
            public String activation(ActivationSpec s) {
                Activation a = s.activation();
                return switch (a.kind()) {
                    case LEAKY_RELU -> a.param() == 0.01f ? "leaky_relu" : "leaky_relu(" + a.param() + ")";
                    case ELU -> a.param() == 1f ? "elu" : "elu(" + a.param() + ")";
                    default -> a.label();
                };
            }

            @Override
            public String dropout(DropoutSpec s) {
                return "dropout(" + s.p() + ")";
            }

            @Override
            public String conv2d(Conv2dSpec s) {
                return "conv2d(" + s.out() + ", " + pair(s.kh(), s.kw())
                        + (s.sh() != 1 || s.sw() != 1 ? ", stride=" + pair(s.sh(), s.sw()) : "")
                        + (s.ph() != 0 || s.pw() != 0 ? ", padding=" + pair(s.ph(), s.pw()) : "")
                        + (s.dh() != 1 || s.dw() != 1 ? ", dilation=" + pair(s.dh(), s.dw()) : "")
                        + (s.bias() ? "" : ", bias=false") + init(s.init()) + ")";
            }

            @Override
            public String pool2d(Pool2dSpec s) {
                return (s.max() ? "maxpool2d(" : "avgpool2d(") + pair(s.kh(), s.kw())
                        + (s.sh() != s.kh() || s.sw() != s.kw() ? ", stride=" + pair(s.sh(), s.sw()) : "")
                        + (s.ph() != 0 || s.pw() != 0 ? ", padding=" + pair(s.ph(), s.pw()) : "")
                        + (s.countIncludePad() ? "" : ", count_include_pad=false") + ")";
            }

            @Override
            public String flatten(FlattenSpec s) {
                return "flatten";
            }

            @Override
            public String batchNorm(BatchNormSpec s) {
                String args = (s.eps() != BatchNormSpec.EPS ? ", eps=" + s.eps() : "")
                        + (s.momentum() != BatchNormSpec.MOMENTUM ? ", momentum=" + s.momentum() : "");
                return (s.image() ? "batchnorm2d" : "batchnorm1d") + (args.isEmpty() ? "" : "(" + args.substring(2) + ")");
            }

            @Override
            public String layerNorm(LayerNormSpec s) {
                List<Integer> d = s.normalizedShape();
                String shape = d.size() == 1 ? d.get(0).toString()
                        : "(" + String.join(", ", d.stream().map(String::valueOf).toList()) + ")";
                return "layernorm(" + shape + (s.eps() != LayerNormSpec.EPS ? ", eps=" + s.eps() : "") + ")";
            }
        });
    }

    private static String pair(int h, int w) {
        return h == w ? Integer.toString(h) : "(" + h + ", " + w + ")";
    }

    private static String init(Init init) {
        return init.equals(Init.TORCH_DEFAULT) ? "" : ", init=" + init.label();
    }

    // ---- the layer kinds ---------------------------------------------------------------------------

    private static LayerSpec conv2d(Args a, Shape in) {
        a.bind("out_channels", "kernel_size", "stride", "padding", "dilation", "=bias", "=init", "=in_channels");
        if (!in.isImage()) {
            throw a.error("conv2d takes images [C, H, W], but its input is flat " + in);
        }
        a.checkIn("in_channels", in.channels());
        int[] k = a.pair("kernel_size", null);
        int[] s = a.pair("stride", new int[] {1, 1});
        int[] p = a.pair("padding", new int[] {0, 0});
        int[] d = a.pair("dilation", new int[] {1, 1});
        return new Conv2dSpec(in.channels(), a.integer("out_channels"), k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1],
                a.bool("bias", true), a.init());
    }

    private static LayerSpec pool2d(boolean max, Args a, Shape in) {
        if (max) {
            a.bind("kernel_size", "stride", "padding");
        } else {
            a.bind("kernel_size", "stride", "padding", "=count_include_pad");
        }
        if (!in.isImage()) {
            throw a.error(a.call.name + " takes images [C, H, W], but its input is flat " + in);
        }
        int[] k = a.pair("kernel_size", null);
        int[] s = a.pair("stride", k);
        int[] p = a.pair("padding", new int[] {0, 0});
        return new Pool2dSpec(max, k[0], k[1], s[0], s[1], p[0], p[1], max || a.bool("count_include_pad", true));
    }

    private static LayerSpec dense(Args a, Shape in) {
        a.bind("out_features", "=init", "=in_features");
        if (in.isImage()) {
            throw a.error("dense takes flat samples, but its input is images " + in + ": put flatten before it");
        }
        a.checkIn("in_features", in.size());
        return new DenseSpec(in.size(), a.integer("out_features"), a.init());
    }

    private static LayerSpec batchNorm(boolean image, Args a, Shape in) {
        a.bind("num_features", "=eps", "=momentum");
        if (image != in.isImage()) {
            throw a.error(a.call.name + " takes " + (image ? "images [C, H, W], but its input is flat " + in
                    + " (batchnorm1d normalizes flat samples)" : "flat samples, but its input is images " + in
                    + " (batchnorm2d normalizes per channel)"));
        }
        int features = image ? in.channels() : in.size();
        a.checkIn("num_features", features);
        return new BatchNormSpec(image, features, a.real64("eps", BatchNormSpec.EPS),
                a.real64("momentum", BatchNormSpec.MOMENTUM));
    }

    private static LayerSpec layerNorm(Args a, Shape in) {
        a.bind("normalized_shape", "=eps");
        int[] dims = a.tuple("normalized_shape", in.dims());
        return new LayerNormSpec(java.util.Arrays.stream(dims).boxed().toList(), a.real64("eps", LayerNormSpec.EPS));
    }

    private static LayerSpec activation(Args a, Shape in) {
        String name = a.call.name;
        if (name.equals("leaky_relu")) {
            a.bind("negative_slope");
            return new ActivationSpec(Activation.leakyRelu(a.real("negative_slope", 0.01f)));
        }
        if (name.equals("elu")) {
            a.bind("alpha");
            return new ActivationSpec(Activation.elu(a.real("alpha", 1f)));
        }
        a.bind();
        return new ActivationSpec(Activation.parse(name));
    }

    // ---- syntax ------------------------------------------------------------------------------------

    /** An error already naming its position. */
    private static final class NotationException extends IllegalArgumentException {
        NotationException(String message) {
            super(message);
        }
    }

    /** Where a token starts, for messages: "column 12", or "line 2, column 5" in a text of several lines. */
    private record Position(int line, int column, boolean multiline) {
        @Override
        public String toString() {
            return multiline ? "line " + line + ", column " + column : "column " + column;
        }
    }

    /** A value: an integer, a real, a word (true, false, an init name) or a tuple {@code (h, w)} or {@code (c, h, w)}. */
    private record Value(String text, Position at, int[] tuple) {}

    private record Arg(String key, Value value, Position at) {}

    private record Call(String name, String text, Position at, List<Arg> args) {
        NotationException error(String what) {
            return new NotationException("at " + at + " ('" + text + "'): " + what);
        }
    }

    /** A layer's arguments bound to its parameter names: positional in order, then keywords. */
    private static final class Args {
        final Call call;
        final Map<String, Value> values = new HashMap<>();

        Args(Call call) {
            this.call = call;
        }

        NotationException error(String what) {
            return call.error(what);
        }

        /** Binds the arguments to {@code names} (positional in this order; a leading '=' makes one keyword-only). */
        void bind(String... names) {
            List<String> positional = new ArrayList<>();
            List<String> all = new ArrayList<>();
            for (String n : names) {
                all.add(n.replace("=", ""));
                if (!n.startsWith("=")) {
                    positional.add(n);
                }
            }
            int next = 0;
            boolean keywords = false;
            for (Arg arg : call.args) {
                String key = arg.key;
                keywords |= key != null;
                if (key == null) {
                    if (keywords) {
                        throw error("positional argument " + arg.value.text + " at " + arg.at + " after a keyword argument");
                    }
                    if (next >= positional.size()) {
                        throw error(call.name + " takes " + (positional.isEmpty() ? "no positional arguments"
                                : "at most " + positional.size() + " positional argument" + (positional.size() > 1 ? "s" : "")
                                + " (" + String.join(", ", positional) + ")") + ", got " + arg.value.text + " at " + arg.at);
                    }
                    key = positional.get(next++);
                } else if (!all.contains(key)) {
                    throw error("unknown argument '" + key + "' at " + arg.at + " (" + call.name + " takes "
                            + (all.isEmpty() ? "none" : String.join(", ", all)) + ")");
                }
                if (values.put(key, arg.value) != null) {
                    throw error("argument '" + key + "' given twice");
                }
            }
        }

        private Value value(String key, boolean required) {
            Value v = values.get(key);
            if (v == null && required) {
                throw error(call.name + " needs " + key);
            }
            return v;
        }

        int integer(String key) {
            Value v = value(key, true);
            if (v.tuple != null || !v.text.matches("-?\\d+")) {
                throw error(key + " must be an integer, got " + v.text + " at " + v.at);
            }
            try {
                return Integer.parseInt(v.text);
            } catch (NumberFormatException e) {
                throw error(key + " is out of range: " + v.text + " at " + v.at);
            }
        }

        /** N (both dimensions) or (h, w); {@code fallback} when absent, null: required. */
        int[] pair(String key, int[] fallback) {
            Value v = value(key, fallback == null);
            if (v == null) {
                return fallback;
            }
            if (v.tuple != null && v.tuple.length == 2) {
                return v.tuple;
            }
            if (v.tuple != null || !v.text.matches("-?\\d+")) {
                throw error(key + " must be an integer N or a pair (h, w), got " + v.text + " at " + v.at);
            }
            int n = integer(key);
            return new int[] {n, n};
        }

        /** N, (h, w) or (c, h, w); {@code fallback} when absent. */
        int[] tuple(String key, int[] fallback) {
            Value v = value(key, false);
            if (v == null) {
                return fallback;
            }
            return v.tuple != null ? v.tuple : new int[] {integer(key)};
        }

        double real64(String key, double fallback) {
            Value v = value(key, false);
            if (v == null) {
                return fallback;
            }
            if (v.tuple == null && v.text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                double d = Double.parseDouble(v.text);
                if (Double.isFinite(d)) {
                    return d;
                }
            }
            throw error(key + " must be a number, got " + v.text + " at " + v.at);
        }

        float real(String key, float fallback) {
            Value v = value(key, false);
            if (v == null) {
                return fallback;
            }
            if (v.tuple == null && v.text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                float f = Float.parseFloat(v.text);
                if (Float.isFinite(f)) {
                    return f;
                }
            }
            throw error(key + " must be a number, got " + v.text + " at " + v.at);
        }

        boolean bool(String key, boolean fallback) {
            Value v = value(key, false);
            if (v == null) {
                return fallback;
            }
            return switch (v.text.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw error(key + " must be true or false, got " + v.text + " at " + v.at);
            };
        }

        Init init() {
            Value v = value("init", false);
            if (v == null) {
                return Init.TORCH_DEFAULT;
            }
            try {
                return Init.parse(v.text);
            } catch (IllegalArgumentException e) {
                throw error("init at " + v.at + ": " + e.getMessage());
            }
        }

        /** An explicit in_channels / in_features must be the inferred one. */
        void checkIn(String key, int inferred) {
            if (values.containsKey(key) && integer(key) != inferred) {
                throw error(key + "=" + integer(key) + ", but the input gives " + inferred);
            }
        }
    }

    /** Splits the text into calls {@code name} or {@code name(args)}. */
    private static final class Parser {
        private final String s;
        private final boolean multiline;
        private int i;

        Parser(String s) {
            this.s = s;
            this.multiline = s.strip().contains("\n");
        }

        List<Call> calls() {
            List<Call> calls = new ArrayList<>();
            skipSpace();
            while (i < s.length()) {
                int start = i;
                Position at = position(start);
                String name = word();
                if (name == null) {
                    throw error(start, "expected a layer name such as conv2d, relu or dense(10)");
                }
                List<Arg> args = new ArrayList<>();
                skipSpace();
                if (peek('(')) {
                    i++;
                    skipSpace();
                    if (peek(')')) {
                        i++;
                    } else {
                        while (true) {
                            args.add(arg());
                            skipSpace();
                            if (peek(',')) {
                                i++;
                                skipSpace();
                            } else if (peek(')')) {
                                i++;
                                break;
                            } else {
                                throw error(i, "expected ',' or ')' in the arguments of " + name);
                            }
                        }
                    }
                }
                calls.add(new Call(name.toLowerCase(Locale.ROOT), s.substring(start, i).strip(), at, args));
                skipSpace();
            }
            return calls;
        }

        private Arg arg() {
            int start = i;
            Position at = position(start);
            String key = null;
            int save = i;
            String w = word();
            if (w != null) {
                skipSpace();
                if (peek('=')) {
                    i++;
                    skipSpace();
                    key = w.toLowerCase(Locale.ROOT);
                } else {
                    i = save;
                }
            }
            return new Arg(key, value(), at);
        }

        private Value value() {
            int start = i;
            Position at = position(start);
            if (peek('(')) {
                i++;
                List<Integer> tuple = new ArrayList<>();
                do {
                    skipSpace();
                    String n = number();
                    if (n == null || !n.matches("\\d+")) {
                        throw error(i, "expected an integer in the tuple (h, w) or (c, h, w)");
                    }
                    try {
                        tuple.add(Integer.parseInt(n));
                    } catch (NumberFormatException e) {
                        throw error(i, "integer " + n + " is out of range");
                    }
                    skipSpace();
                    if (!peek(tuple.size() < 3 ? ',' : ')') && !(tuple.size() > 1 && peek(')'))) {
                        throw error(i, tuple.size() == 1 ? "expected ',' in the tuple (h, w)"
                                : tuple.size() == 2 ? "expected ',' or ')' in the tuple (h, w) or (c, h, w)"
                                : "expected ')' closing the tuple (c, h, w)");
                    }
                } while (s.charAt(i++) == ',');
                return new Value(s.substring(start, i), at, tuple.stream().mapToInt(Integer::intValue).toArray());
            }
            String v = number();
            if (v == null) {
                v = word();
            }
            if (v == null) {
                throw error(start, "expected a value: a number, (h, w), true, false or a name");
            }
            return new Value(v, at, null);
        }

        /** An identifier; init names may hold ':', '.', '+' and '-' after its first letter (constant:0.5). */
        private String word() {
            int start = i;
            if (i < s.length() && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || "_.:+-".indexOf(s.charAt(i)) >= 0)) {
                    i++;
                }
                return s.substring(start, i);
            }
            return null;
        }

        private String number() {
            int start = i;
            if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                i++;
            }
            if (i >= s.length() || !(Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i = start;
                return null;
            }
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
                    || ((s.charAt(i) == '-' || s.charAt(i) == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')))) {
                i++;
            }
            return s.substring(start, i);
        }

        private boolean peek(char c) {
            return i < s.length() && s.charAt(i) == c;
        }

        private void skipSpace() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '#') {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else {
                    return;
                }
            }
        }

        private Position position(int at) {
            int line = 1;
            int lineStart = 0;
            for (int k = 0; k < at; k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                    lineStart = k + 1;
                }
            }
            return new Position(line, at - lineStart + 1, multiline);
        }

        private NotationException error(int at, String what) {
            String token = at >= s.length() ? "the end" : "'" + s.substring(at, Math.min(s.length(), at + 12)).split("\\s")[0] + "'";
            return new NotationException("at " + position(at) + " (" + token + "): " + what);
        }
    }
}
