// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gradus.io.AtomicFile;
import dev.gradus.io.Checkpoint;
import dev.gradus.io.ModelFile;
import dev.gradus.io.TrainingPosition;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.train.EpochResult;
import dev.gradus.train.History;
import dev.gradus.train.Position;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a training run in its {@code --out} directory, each written atomically:
 * {@value #MODEL} (the trained model), {@value #CHECKPOINT} (rewritten after every epoch, for
 * {@code --resume}), {@value #HISTORY_CSV} and {@value #HISTORY_JSON} (one row per epoch) and
 * {@value #CHART} (loss and accuracy per epoch).
 */
final class RunFiles {
    static final String MODEL = "model.safetensors";
    static final String CHECKPOINT = "checkpoint.safetensors";
    static final String HISTORY_CSV = "history.csv";
    static final String HISTORY_JSON = "history.json";
    static final String CHART = "training.png";
    /** Checkpoint metadata: the run's history so far, the data and the batch size it was trained with. */
    static final String KEY_HISTORY = "history";
    static final String KEY_DATA = "data";
    static final String KEY_DATA_ID = "data_id";
    static final String KEY_BATCH = "batch_size";
    static final String KEY_EPOCHS = "epochs";
    static final String KEY_CLASSES = "classes";

    private final Path dir;

    /** Creates {@code dir} if needed; an existing file of that name is an error. */
    RunFiles(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new FileAlreadyExistsException(dir.toString());
        }
        Files.createDirectories(dir);
        this.dir = dir;
    }

    Path dir() { return dir; }

    Path model() { return dir.resolve(MODEL); }

    void checkpoint(Network network, Optimizer optimizer, Position p, long seed, History history,
                    Map<String, String> info) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(info);
        meta.put(KEY_HISTORY, history.toJson());
        Checkpoint.save(dir.resolve(CHECKPOINT), network, optimizer,
                new TrainingPosition(p.epoch(), p.batch(), p.step(), seed, network.dropoutStep()), meta);
    }

    /** The model, the history and the chart. */
    void finish(Network network, History history, Map<String, String> info, String title) throws IOException {
        ModelFile.save(model(), network, info);
        AtomicFile.writeString(dir.resolve(HISTORY_CSV), history.toCsv());
        AtomicFile.writeString(dir.resolve(HISTORY_JSON), history.toJson());
        chart(dir.resolve(CHART), history, title);
    }

    static void chart(Path file, History history, String title) throws IOException {
        List<EpochResult> es = history.epochs();
        double[][] v = new double[4][es.size()];
        for (int i = 0; i < es.size(); i++) {
            EpochResult r = es.get(i);
            v[0][i] = r.trainLoss();
            v[1][i] = r.validationLoss();
            v[2][i] = r.trainAccuracy();
            v[3][i] = r.validationAccuracy();
        }
        List<TrainingChart.Series> loss = new ArrayList<>(List.of(new TrainingChart.Series("train loss", v[0])));
        List<TrainingChart.Series> acc = new ArrayList<>(List.of(new TrainingChart.Series("train accuracy", v[2])));
        if (!es.isEmpty() && es.get(0).hasValidation()) {
            loss.add(new TrainingChart.Series("test loss", v[1]));
            acc.add(new TrainingChart.Series("test accuracy", v[3]));
        }
        TrainingChart.write(file, title, loss, acc);
    }

    /** Reads {@link History#toJson()} back (epochs there are numbered from 1, NaN is null). */
    static History readHistory(String json) {
        List<EpochResult> out = new ArrayList<>();
        try {
            JsonArray a = JsonParser.parseString(json).getAsJsonArray();
            for (JsonElement e : a) {
                JsonObject o = e.getAsJsonObject();
                out.add(new EpochResult(o.get("epoch").getAsInt() - 1, o.get("steps").getAsLong(), number(o, "train_loss"),
                        number(o, "train_accuracy"), number(o, "val_loss"), number(o, "val_accuracy"),
                        number(o, "seconds"), number(o, "samples_per_second"), (float) number(o, "lr")));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the checkpoint's training history is unreadable: " + e.getMessage());
        }
        return new History(out);
    }

    private static double number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }
}
