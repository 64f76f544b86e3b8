// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.data.Standardization;
import dev.gradus.nn.Buffer;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.nn.Parameter;
import dev.gradus.nn.Predictor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A trained network in one file: a safetensors file (so {@code safetensors.torch.load_file} and a
 * {@code torch.nn.Sequential} of the same layers read the weights as they are) whose
 * {@code __metadata__} holds
 * <ul>
 * <li>{@code format}: {@value #FORMAT} — the name and version this reader checks first;</li>
 * <li>{@code architecture}: the layers and the loss as JSON ({@link Architecture});</li>
 * <li>{@code seed}: the seed the network was built with (its dropout masks derive from it);</li>
 * <li>any entries the caller adds (the CLI stores the class names, for instance).</li>
 * </ul>
 * The tensors are the parameters in network order with PyTorch names and shapes: {@code 0.weight}
 * {@code [out, in]}, {@code 0.bias} {@code [out]}, then the buffers as PyTorch's state dict names them
 * ({@code 1.running_mean}, {@code 1.running_var}; {@code 1.num_batches_tracked} an I64 scalar). One file rather than a directory, so that a model is
 * written with one atomic rename and copied as one thing; the metadata is small text beside the data.
 * A {@link Checkpoint} is the same file with the optimizer and the training position added, so it
 * loads as a model too.
 */
public final class ModelFile {
    public static final String FORMAT = "gradus-model/1";
    static final String KEY_FORMAT = "format";
    static final String KEY_ARCHITECTURE = "architecture";
    static final String KEY_SEED = "seed";
    private static final Set<String> RESERVED = Set.of(KEY_FORMAT, KEY_ARCHITECTURE, KEY_SEED);

    private ModelFile() {}

    /**
     * The metadata entry that names the classes, in label order, as a JSON array of strings
     * ({@code ["setosa", "versicolor", "virginica"]}): the command line writes it for labelled data.
     */
    public static final String KEY_CLASSES = "classes";

    /**
     * The metadata entry of a model trained on CSV columns of categories: each column's header name and its
     * categories in one-hot order, as a JSON object of arrays of strings ({@code {"color":["blue","red"]}});
     * the command line writes it, and {@link dev.gradus.data.CsvDataset#read(Path, String,
     * dev.gradus.data.CsvDataset.Task, Map)} encodes raw rows with {@link Loaded#categories()}.
     */
    public static final String KEY_CATEGORIES = "categories";

    /**
     * The {@value #KEY_CATEGORIES} entry's value for {@code categories}, which {@link Loaded#categories()}
     * reads back.
     *
     * @param categories each categorical column's name and its categories, in order
     * @return the JSON text, e.g. {@code {"color":["blue","red"]}}
     */
    public static String categoriesJson(Map<String, List<String>> categories) {
        return Json.write(categories);
    }

    /** A loaded network and the caller's metadata entries. Closing it closes the network. */
    public record Loaded(Network network, Map<String, String> info) implements AutoCloseable {
        /**
         * The class names of the entry {@value ModelFile#KEY_CLASSES}, or null when the model has none.
         * @throws IllegalArgumentException naming the entry when it is not a JSON array of strings
         */
        public List<String> classNames() {
            String json = info.get(KEY_CLASSES);
            if (json == null) {
                return null;
            }
            try {
                List<String> names = new ArrayList<>();
                for (Object v : Json.array(Json.parse(json), "the value")) {
                    names.add(Json.string(v, "an element"));
                }
                return List.copyOf(names);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("metadata '" + KEY_CLASSES + "' is not a JSON array of class names: "
                        + e.getMessage(), e);
            }
        }

        /**
         * The categorical columns of the entry {@value ModelFile#KEY_CATEGORIES}: each column's name and its
         * categories in one-hot order (in file order, unmodifiable), empty when the model has none.
         * @throws IllegalArgumentException naming the entry when it is not an object of non-empty arrays of strings
         */
        public Map<String, List<String>> categories() {
            String json = info.get(KEY_CATEGORIES);
            if (json == null) {
                return Map.of();
            }
            try {
                Map<String, List<String>> out = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : Json.object(Json.parse(json), "the value").entrySet()) {
                    List<String> categories = new ArrayList<>();
                    for (Object v : Json.array(e.getValue(), "column '" + e.getKey() + "'")) {
                        categories.add(Json.string(v, "a category of '" + e.getKey() + "'"));
                    }
                    if (categories.isEmpty()) {
                        throw new IllegalArgumentException("column '" + e.getKey() + "' has no categories");
                    }
                    out.put(e.getKey(), List.copyOf(categories));
                }
                return java.util.Collections.unmodifiableMap(out);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("metadata '" + KEY_CATEGORIES + "' is not {\"column\": [categories], "
                        + "...}: " + e.getMessage(), e);
            }
        }

        /**
         * The feature standardization of the entry {@value Standardization#METADATA_KEY} (the command line
         * writes it for a model trained on a standardized CSV): what raw input must go through before the
         * network, {@code (x − mean) / scale}; null when the model has none.
         * @throws IllegalArgumentException naming the entry when it is malformed
         */
        public Standardization standardization() {
            return Standardization.fromMetadata(info);
        }

        /**
         * A {@link Predictor} of the network for one thread, with the model's class names and its input
         * standardization (if it has them), so it takes raw features.
         */
        public Predictor predictor() {
            return network.predictor(classNames(), standardization());
        }

        @Override
        public void close() { network.close(); }
    }

    /** Saves {@code network} with extra metadata {@code info} (keys other than format, architecture, seed). */
    public static void save(Path file, Network network, Map<String, String> info) throws IOException {
        SafetensorsFile.write(file, metadata(FORMAT, network, info), networkTensors(network));
    }

    /** Loads a model (or the model of a checkpoint) onto {@code backend}, checking everything first. */
    public static Loaded load(Path file, Backend backend) throws IOException {
        SafetensorsFile st = SafetensorsFile.read(file);
        checkFormat(st, FORMAT, Checkpoint.FORMAT);
        Network network = network(st, backend);
        return new Loaded(network, info(st));
    }

    // ---- shared with Checkpoint ------------------------------------------------------------------

    static Map<String, String> metadata(String format, Network network, Map<String, String> info) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_FORMAT, format);
        meta.put(KEY_ARCHITECTURE, Architecture.of(network).toJson());
        meta.put(KEY_SEED, Long.toString(network.seed()));
        for (Map.Entry<String, String> e : info.entrySet()) {
            if (RESERVED.contains(e.getKey()) || e.getKey().startsWith(Checkpoint.KEY_PREFIX)) {
                throw new IllegalArgumentException("metadata key '" + e.getKey() + "' is reserved");
            }
            meta.put(e.getKey(), e.getValue());
        }
        return meta;
    }

    /** The parameters, then the buffers. */
    static List<StoredTensor> networkTensors(Network network) {
        List<StoredTensor> out = new ArrayList<>();
        for (Parameter p : network.parameters()) {
            out.add(new StoredTensor(p.name(), longs(p.shape()), p.value().toArray()));
        }
        for (Buffer b : network.buffers()) {
            out.add(b.isCounter() ? StoredTensor.ofInt64(b.name(), new long[0], new long[] {b.count()})
                    : new StoredTensor(b.name(), longs(b.shape()), b.value().toArray()));
        }
        return out;
    }

    static Map<String, String> info(SafetensorsFile st) {
        Map<String, String> info = new LinkedHashMap<>(st.metadata());
        info.keySet().removeIf(k -> RESERVED.contains(k) || k.startsWith(Checkpoint.KEY_PREFIX));
        return info;
    }

    /** Checks that the file is one of {@code formats}, with a message for older, newer and foreign files. */
    static void checkFormat(SafetensorsFile st, String... formats) {
        String format = st.metadata().get(KEY_FORMAT);
        if (format == null) {
            throw new FileFormatException(st.path(), "is a safetensors file but not a Gradus model (no 'format' metadata); "
                    + "a PyTorch state dict loads with its architecture given (StateDict.load; --layers on the command line)");
        }
        if (Arrays.asList(formats).contains(format)) {
            return;
        }
        int slash = format.lastIndexOf('/');
        String name = slash < 0 ? format : format.substring(0, slash);
        for (String f : formats) {
            if (f.startsWith(name + "/")) {
                throw new FileFormatException(st.path(), "has format version " + format + "; this Gradus reads " + f);
            }
        }
        throw new FileFormatException(st.path(), "has format '" + format + "', expected " + String.join(" or ", formats));
    }

    /**
     * Builds the network of the file's architecture and fills its parameters from the file's tensors.
     * A file whose architecture needs more parameters than its tensors hold is refused, naming the tensor
     * that is missing or too small, before anything is allocated: building the network costs at most
     * what the file holds.
     */
    static Network network(SafetensorsFile st, Backend backend) {
        Architecture arch;
        long seed;
        try {
            arch = Architecture.parse(st.meta(KEY_ARCHITECTURE));
            seed = st.metadata().containsKey(KEY_SEED) ? integer(st, KEY_SEED) : 0;
        } catch (FileFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(st.path(), e.getMessage());
        }
        checkTheFileHoldsTheParameters(st, arch.layers());
        Network network;
        try {
            network = arch.build(backend, seed);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(st.path(), "architecture is not a valid network: " + e.getMessage());
        }
        try {
            Set<String> expected = new HashSet<>();
            for (Parameter p : network.parameters()) {
                expected.add(p.name());
                copyInto(st, p.name(), longs(p.shape()), p.value());
            }
            for (Buffer b : network.buffers()) {
                expected.add(b.name());
                copyInto(st, b);
            }
            for (String name : st.tensors().keySet()) {
                if (!expected.contains(name) && !name.startsWith(Checkpoint.TENSOR_PREFIX)) {
                    throw new FileFormatException(st.path(), "has tensor '" + name + "' that the architecture has no place for");
                }
            }
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** The metadata entry {@code key}, which must be an integer (of 64 bits). */
    static long integer(SafetensorsFile st, String key) {
        String v = st.meta(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new FileFormatException(st.path(), "metadata '" + key + "' is '" + v + "', not an integer");
        }
    }

    /** Refuses a file whose parameter tensors hold fewer values than {@code layers} declare. */
    private static void checkTheFileHoldsTheParameters(SafetensorsFile st, List<LayerSpec> layers) {
        long stored = 0;
        for (StoredTensor t : st.tensors().values()) {
            if (!t.name().startsWith(Checkpoint.TENSOR_PREFIX)) {
                stored += t.size();
            }
        }
        long declared = 0;
        try {
            for (LayerSpec spec : layers) {
                for (long[] shape : spec.parameterShapes().values()) {
                    long n = 1;
                    for (long d : shape) {
                        n = Math.multiplyExact(n, d);
                    }
                    declared = Math.addExact(declared, n);
                }
            }
        } catch (ArithmeticException e) {
            declared = Long.MAX_VALUE;
        }
        if (declared <= stored) {
            return;
        }
        for (int i = 0; i < layers.size(); i++) {   // find the tensor that is missing or too small
            for (Map.Entry<String, long[]> p : layers.get(i).parameterShapes().entrySet()) {
                checkShape(st, i + "." + p.getKey(), p.getValue());
            }
        }
        throw new FileFormatException(st.path(), String.format(Locale.ROOT,
                "architecture declares %,d parameters but the file holds %,d", declared, stored));
    }

    /** The file's tensor {@code name}, which must have {@code shape}. */
    static StoredTensor checkShape(SafetensorsFile st, String name, long[] shape) {
        StoredTensor t = st.tensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new FileFormatException(st.path(), "tensor '" + name + "' has shape " + t.shapeText()
                    + ", the architecture needs " + Arrays.toString(shape));
        }
        return t;
    }

    /** Copies the file's tensor of the buffer's name into it: float values as for a parameter, a counter from an I64 scalar. */
    static void copyInto(SafetensorsFile st, Buffer b) {
        if (!b.isCounter()) {
            copyInto(st, b.name(), longs(b.shape()), b.value());
            return;
        }
        StoredTensor t = checkShape(st, b.name(), new long[0]);
        if (t.int64() == null) {
            throw new FileFormatException(st.path(), "tensor '" + b.name() + "' has dtype " + t.dtype()
                    + "; a counter is an I64 scalar");
        }
        if (t.int64()[0] < 0) {
            throw new FileFormatException(st.path(), "tensor '" + b.name() + "' holds " + t.int64()[0] + ", a count must be >= 0");
        }
        b.setCount(t.int64()[0]);
    }

    /** Copies tensor {@code name} into {@code into} after checking its shape, its dtype (F32) and that every value is finite. */
    static void copyInto(SafetensorsFile st, String name, long[] shape, Tensor into) {
        StoredTensor t = checkShape(st, name, shape);
        float[] data = t.data();
        if (data == null) {
            throw new FileFormatException(st.path(), "tensor '" + name + "' has dtype " + t.dtype() + ", expected F32");
        }
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new FileFormatException(st.path(), "tensor '" + name + "' holds " + data[i] + " at index " + i);
            }
        }
        into.copyFrom(data);
    }

    static long[] longs(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }
}
