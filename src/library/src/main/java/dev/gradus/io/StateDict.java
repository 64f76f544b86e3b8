// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import dev.gradus.backend.Backend;
import dev.gradus.nn.Buffer;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PyTorch state dict saved as safetensors ({@code safetensors.torch.save_file(model.state_dict(), path)},
 * float32), loaded into a network whose architecture the caller gives: the file holds only weights.
 * The names are PyTorch's for an {@code nn.Sequential} of the same layers: {@code K.weight} and
 * {@code K.bias} of the module at index K, a linear layer's weight {@code [out, in]}, and a batchnorm's
 * buffers {@code K.running_mean}, {@code K.running_var} and {@code K.num_batches_tracked} (I64). A state dict
 * whose every name carries one more leading component ({@code model.0.weight}, from a module that
 * holds the {@code nn.Sequential} as {@code self.model}) is read with that component dropped.
 *
 * <p>Every name and shape is checked, in layer order, before anything is copied: the first tensor that
 * is missing, has another shape or has no place in the architecture is a {@link FileFormatException}
 * naming the tensor, the layer and both shapes. A Gradus model or checkpoint file loads the same way
 * (its metadata is ignored), so a run can start from another run's weights.
 */
public final class StateDict {
    private StateDict() {}

    /**
     * A new network of {@code architecture} holding the file's weights.
     * @param file the safetensors file
     * @param architecture the input shape, layers and loss the weights belong to
     * @param backend where the network computes
     * @param seed the network's seed (its dropout masks derive from it)
     * @return the network, owned by the caller
     * @throws IOException when the file cannot be read
     * @throws FileFormatException when the file is malformed or its tensors do not fit the architecture
     */
    public static Network load(Path file, Architecture architecture, Backend backend, long seed) throws IOException {
        SafetensorsFile st = SafetensorsFile.read(file);
        Network network = architecture.build(backend, seed);
        try {
            copy(st, network);
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /**
     * Overwrites every parameter and buffer of {@code network} with the file's tensor of the same name; the network is
     * unchanged when anything does not fit.
     * @param file the safetensors file
     * @param network the network to fill
     * @throws IOException when the file cannot be read
     * @throws FileFormatException when the file is malformed or its tensors do not fit the network
     */
    public static void loadInto(Path file, Network network) throws IOException {
        copy(SafetensorsFile.read(file), network);
    }

    private static void copy(SafetensorsFile st, Network network) {
        Map<String, StoredTensor> tensors = weights(st);
        Map<String, StoredTensor> named = strippedOfACommonPrefix(tensors, network);
        List<LayerSpec> layers = network.layers();
        Map<String, long[]> needed = new LinkedHashMap<>();   // parameters, then buffers: PyTorch's state dict
        for (Parameter p : network.parameters()) {
            needed.put(p.name(), ModelFile.longs(p.shape()));
        }
        for (Buffer b : network.buffers()) {
            needed.put(b.name(), ModelFile.longs(b.shape()));
        }
        for (Map.Entry<String, long[]> e : needed.entrySet()) {   // every check before the first copy
            String name = e.getKey();
            long[] shape = e.getValue();
            int index = Integer.parseInt(name.substring(0, name.indexOf('.')));
            String layer = "layer " + index + " " + layers.get(index).describe();
            StoredTensor t = named.get(name);
            if (t == null) {
                throw new FileFormatException(st.path(), "has no tensor '" + name + "' " + Arrays.toString(shape)
                        + " for " + layer + "; its tensors: " + list(tensors));
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw new FileFormatException(st.path(), "tensor '" + t.name() + "' has shape " + t.shapeText()
                        + " but " + layer + " needs " + Arrays.toString(shape));
            }
            String dtype = shape.length == 0 ? "I64" : "F32";   // a scalar buffer is num_batches_tracked
            if (!t.dtype().equals(dtype)) {
                throw new FileFormatException(st.path(), "tensor '" + t.name() + "' has dtype " + t.dtype() + " but "
                        + layer + " needs " + dtype);
            }
        }
        if (named.size() > needed.size()) {
            for (Map.Entry<String, StoredTensor> e : named.entrySet()) {
                StoredTensor t = e.getValue();
                if (!needed.containsKey(e.getKey())) {
                    throw new FileFormatException(st.path(), "has tensor '" + t.name() + "' " + t.shapeText()
                            + " that the architecture has no place for (it needs " + String.join(", ", needed.keySet()) + ")");
                }
            }
        }
        for (String name : needed.keySet()) {
            StoredTensor t = named.get(name);
            float[] data = t.data();
            for (int i = 0; data != null && i < data.length; i++) {
                if (!Float.isFinite(data[i])) {
                    throw new FileFormatException(st.path(), "tensor '" + t.name() + "' holds " + data[i] + " at index " + i);
                }
            }
            if (t.int64() != null && t.int64()[0] < 0) {
                throw new FileFormatException(st.path(), "tensor '" + t.name() + "' holds " + t.int64()[0]
                        + ", a count must be >= 0");
            }
        }
        for (Parameter p : network.parameters()) {
            p.value().copyFrom(named.get(p.name()).data());
        }
        for (Buffer b : network.buffers()) {
            StoredTensor t = named.get(b.name());
            if (b.isCounter()) {
                b.setCount(t.int64()[0]);
            } else {
                b.value().copyFrom(t.data());
            }
        }
    }

    /** The file's tensors less a Gradus checkpoint's optimizer state. */
    private static Map<String, StoredTensor> weights(SafetensorsFile st) {
        Map<String, StoredTensor> out = new LinkedHashMap<>(st.tensors());
        if (Checkpoint.FORMAT.equals(st.metadata().get(ModelFile.KEY_FORMAT))) {
            out.keySet().removeIf(name -> name.startsWith(Checkpoint.TENSOR_PREFIX));
        }
        return out;
    }

    /**
     * The file's tensors (keeping their own names, for messages) by the names the network uses: as they are
     * when any of them matches a parameter's name; else with the first name component dropped when every
     * name has the same one.
     */
    private static Map<String, StoredTensor> strippedOfACommonPrefix(Map<String, StoredTensor> tensors, Network network) {
        for (Parameter p : network.parameters()) {
            if (tensors.containsKey(p.name())) {
                return tensors;
            }
        }
        String prefix = null;
        for (String name : tensors.keySet()) {
            int dot = name.indexOf('.');
            String first = dot < 0 ? null : name.substring(0, dot + 1);
            if (first == null || (prefix != null && !prefix.equals(first))) {
                return tensors;
            }
            prefix = first;
        }
        if (prefix == null) {
            return tensors;
        }
        Map<String, StoredTensor> out = new LinkedHashMap<>();
        for (StoredTensor t : tensors.values()) {
            out.put(t.name().substring(prefix.length()), t);
        }
        return out;
    }

    private static String list(Map<String, StoredTensor> tensors) {
        if (tensors.isEmpty()) {
            return "none";
        }
        List<String> items = new ArrayList<>();
        for (StoredTensor t : tensors.values()) {
            items.add(t.name() + " " + t.shapeText());
            if (items.size() == 12 && tensors.size() > 12) {
                items.add("... (" + tensors.size() + " in all)");
                break;
            }
        }
        return String.join(", ", items);
    }
}
