// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.train.Trainer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM during {@code train --out}: asks the trainer to stop after the current step, then
 * holds the JVM's shutdown (up to a minute) until the command has written its files: the checkpoint,
 * so that {@code --resume} continues from the very step where the run stopped, or, when training had
 * already finished, the final files (model, history, chart; the chart is written without ImageIO's
 * file cache, which cannot start during a shutdown). The process then exits with the signal's status
 * (143 for SIGTERM).
 */
final class Interruption implements AutoCloseable {
    private final Trainer trainer;
    private final CountDownLatch saved = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;

    private Interruption(Trainer trainer) {
        this.trainer = trainer;
        this.hook = new Thread(this::onShutdown, "gradus-interrupt");
    }

    /** Starts watching for a shutdown (SIGINT, SIGTERM) while {@code trainer} runs. */
    static Interruption watch(Trainer trainer) {
        Interruption i = new Interruption(trainer);
        Runtime.getRuntime().addShutdownHook(i.hook);
        return i;
    }

    private void onShutdown() {
        requested = true;
        trainer.requestStop();
        try {
            saved.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once a shutdown asked training to stop. */
    boolean requested() { return requested; }

    /** The command's files are complete: let a pending shutdown proceed, and stop watching. */
    @Override
    public void close() {
        saved.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook is running and has just been released
        }
    }
}
