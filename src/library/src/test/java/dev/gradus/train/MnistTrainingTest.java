// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.Threads;
import dev.gradus.backend.Backend;
import dev.gradus.data.Dataset;
import dev.gradus.data.MnistIdx;
import dev.gradus.nn.Network;
import dev.gradus.optim.Adam;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.LrSchedule;
import dev.gradus.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The proof: 784-128-10 ReLU trained with Adam on the native backend reaches at least 97.5% test
 * accuracy on MNIST. Fails (never skips) when the data is missing.
 */
@Tag("blas")
class MnistTrainingTest {
    // Measured (seed 1, cosine over the epochs): batch 64 ended at 97.47% after 6 epochs and 97.71% after
    // 10; batch 32 reached 97.95% after 8 (97.82% already at epoch 6 of 8), a safer margin for 480k samples.
    static final int EPOCHS = 8;
    static final int BATCH = 32;
    static final float LR = 1e-3f;
    static final long SEED = 1;

    @Test
    void mlpReaches975PercentOnTheMnistTestSet() throws IOException {
        String shared = System.getProperty("gradus.shared");
        assertTrue(shared != null, "system property gradus.shared is not set (the pom sets it to ../shared)");
        Path dir = Path.of(shared, "data", "mnist");
        assertTrue(Files.isDirectory(dir), "MNIST is missing: no directory " + dir.toAbsolutePath());
        train(dir);   // with the default thread budget, as a user runs it
    }

    private static void train(Path dir) throws IOException {
        long t0 = System.nanoTime();
        try (Dataset train = MnistIdx.train(dir); Dataset test = MnistIdx.test(dir);
             Network net = Network.mlp(Backend.named("native"), new int[] {784, 128, 10}, Activation.RELU,
                     Loss.CROSS_ENTROPY, SEED);
             Optimizer adam = new Adam(net, AdamConfig.adam(LR))) {
            double load = (System.nanoTime() - t0) * 1e-9;
            TrainConfig config = TrainConfig.of(EPOCHS, BATCH, SEED)
                    .withSchedule(LrSchedule.cosine(EPOCHS, 0), ScheduleUnit.EPOCH);
            History h = new Trainer(net, adam, config).addListener(new ConsoleLog(System.out, 0)).fit(train);
            Evaluation e = Evaluation.of(net, test, 1000);
            double total = (System.nanoTime() - t0) * 1e-9;
            System.out.printf(Locale.ROOT, "[mnist] native, %d thread(s), 784-128-10 relu, adam lr %g cosine, batch %d: %d epochs, "
                            + "test accuracy %.2f%%, training %.1f s (%.0f samples/s), loading %.1f s, total %.1f s%n",
                    Threads.get(), LR, BATCH, h.size(), 100 * e.accuracy(), h.trainingSeconds(),
                    h.size() * 60_000 / h.trainingSeconds(), load, total);
            System.out.print(e.classTable());
            assertTrue(e.accuracy() >= 0.975, "test accuracy " + e.accuracy() + " is below 0.975\n" + e);
        }
    }
}
