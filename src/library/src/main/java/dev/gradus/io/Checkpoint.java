// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;

/**
 * Everything needed to continue a training run exactly: a {@link ModelFile} with format
 * {@value #FORMAT} and, in addition,
 * <ul>
 * <li>the optimizer's state buffers as tensors {@code optimizer.<name>} of shape {@code [P]}
 *     ({@code optimizer.exp_avg}, {@code optimizer.momentum_buffer}, ...: PyTorch's state names, over
 *     the whole parameter buffer in network order);</li>
 * <li>metadata {@code checkpoint.optimizer} (its name), {@code checkpoint.optimizer_config} (its config
 *     as JSON), {@code checkpoint.lr} and {@code checkpoint.step_count};</li>
 * <li>the {@link TrainingPosition}: {@code checkpoint.epoch}, {@code checkpoint.batch},
 *     {@code checkpoint.step}, {@code checkpoint.seed}, {@code checkpoint.dropout_step}.</li>
 * </ul>
 * Floats are stored as their exact decimal ({@link Float#toString}) or as float32 bits in the
 * tensors, so a resumed run continues bit for bit.
 */
public final class Checkpoint {
    public static final String FORMAT = "gradus-checkpoint/1";
    static final String KEY_PREFIX = "checkpoint.";
    static final String TENSOR_PREFIX = "optimizer.";

    private Checkpoint() {}

    /** A restored run. Closing it closes the optimizer and the network. */
    public record Restored(Network network, Optimizer optimizer, OptimizerSpec optimizerSpec,
                           TrainingPosition position, Map<String, String> info) implements AutoCloseable {
        @Override
        public void close() {
            optimizer.close();
            network.close();
        }
    }

    public static void save(Path file, Network network, Optimizer optimizer, TrainingPosition position,
                            Map<String, String> info) throws IOException {
        OptimizerSpec spec = OptimizerSpec.of(optimizer);
        Map<String, String> meta = ModelFile.metadata(FORMAT, network, info);
        meta.put(KEY_PREFIX + "optimizer", spec.name());
        meta.put(KEY_PREFIX + "optimizer_config", spec.configJson());
        meta.put(KEY_PREFIX + "lr", Float.toString(optimizer.lr()));
        meta.put(KEY_PREFIX + "step_count", Long.toString(optimizer.stepCount()));
        meta.put(KEY_PREFIX + "epoch", Integer.toString(position.epoch()));
        meta.put(KEY_PREFIX + "batch", Integer.toString(position.batch()));
        meta.put(KEY_PREFIX + "step", Long.toString(position.step()));
        meta.put(KEY_PREFIX + "seed", Long.toString(position.seed()));
        meta.put(KEY_PREFIX + "dropout_step", Long.toString(position.dropoutStep()));
        List<StoredTensor> tensors = new ArrayList<>(ModelFile.networkTensors(network));
        for (Map.Entry<String, Tensor> s : optimizer.state().entrySet()) {
            Tensor t = s.getValue();
            tensors.add(new StoredTensor(TENSOR_PREFIX + s.getKey(), new long[] {t.size()}, t.toArray()));
        }
        SafetensorsFile.write(file, meta, tensors);
    }

    /** The metadata entry {@code checkpoint.<key>}, an integer from 0 to {@code max}. */
    private static long integer(SafetensorsFile st, String key, long max) {
        String v = st.meta(KEY_PREFIX + key);
        try {
            long n = Long.parseLong(v);
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new FileFormatException(st.path(), "metadata '" + KEY_PREFIX + key + "' is '" + v + "', not an integer from 0 to " + max);
    }

    /** Loads a checkpoint onto {@code backend}: the network, a new optimizer with the saved state, the position. */
    public static Restored load(Path file, Backend backend) throws IOException {
        SafetensorsFile st = SafetensorsFile.read(file);
        if (ModelFile.FORMAT.equals(st.metadata().get(ModelFile.KEY_FORMAT))) {
            throw new FileFormatException(file, "is a model file, not a checkpoint (it has no optimizer state or "
                    + "training position; train with --out to get a checkpoint)");
        }
        ModelFile.checkFormat(st, FORMAT);
        OptimizerSpec spec;
        TrainingPosition position;
        float lr;
        long steps;
        try {
            spec = OptimizerSpec.parse(st.meta(KEY_PREFIX + "optimizer"), st.meta(KEY_PREFIX + "optimizer_config"));
            String lrText = st.meta(KEY_PREFIX + "lr");
            try {
                lr = Float.parseFloat(lrText);
            } catch (NumberFormatException e) {
                lr = Float.NaN;
            }
            if (!(lr >= 0) || !Float.isFinite(lr)) {
                throw new FileFormatException(file, "metadata '" + KEY_PREFIX + "lr' is '" + lrText
                        + "', not a finite learning rate >= 0");
            }
            steps = integer(st, "step_count", Long.MAX_VALUE);
            position = new TrainingPosition((int) integer(st, "epoch", Integer.MAX_VALUE),
                    (int) integer(st, "batch", Integer.MAX_VALUE), integer(st, "step", Long.MAX_VALUE),
                    ModelFile.integer(st, KEY_PREFIX + "seed"), integer(st, "dropout_step", Long.MAX_VALUE));
        } catch (FileFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, "checkpoint metadata is invalid: " + e.getMessage());
        }
        Network network = ModelFile.network(st, backend);
        Optimizer optimizer = null;
        try {
            optimizer = spec.create(network);
            for (Map.Entry<String, Tensor> s : optimizer.state().entrySet()) {
                ModelFile.copyInto(st, TENSOR_PREFIX + s.getKey(), new long[] {s.getValue().size()}, s.getValue());
            }
            for (String name : st.tensors().keySet()) {
                if (name.startsWith(TENSOR_PREFIX) && !optimizer.state().containsKey(name.substring(TENSOR_PREFIX.length()))) {
                    throw new FileFormatException(file, "has optimizer state '" + name + "' that " + spec.name() + " does not use");
                }
            }
            optimizer.setLr(lr);
            optimizer.setStepCount(steps);
            network.setDropoutStep(position.dropoutStep());
            return new Restored(network, optimizer, spec, position, ModelFile.info(st));
        } catch (RuntimeException e) {
            if (optimizer != null) {
                optimizer.close();
            }
            network.close();
            if (e instanceof FileFormatException) {
                throw e;
            }
            throw new FileFormatException(file, e.getMessage());
        }
    }
}
