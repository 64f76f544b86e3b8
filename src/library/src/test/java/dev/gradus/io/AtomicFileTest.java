// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8: the temporary files a kill -9 leaves were never removed. The next write of the same target
 * removes those nobody holds, and never the one a live writer (here another process) holds.
 */
class AtomicFileTest {
    @TempDir Path dir;

    /** Holds a lock on {@code args[0]}, as a writer does, says so, and waits to be killed. */
    public static void main(String[] args) throws Exception {
        try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
            c.lock();
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(2));
        }
    }

    @Test
    void aWriteRemovesTheTemporaryFilesOfDeadWritersOnly() throws Exception {
        Path target = dir.resolve("model.safetensors");
        Path dead = Files.writeString(dir.resolve(".model.safetensors.123.tmp"), "half a model");
        Path older = Files.writeString(dir.resolve(".model.safetensors456.tmp"), "half a model, earlier naming");
        Path other = Files.writeString(dir.resolve(".checkpoint.safetensors.789.tmp"), "another target's");
        Path alike = Files.writeString(dir.resolve(".model.safetensors.bak.1.tmp"), "another target's too");
        Path live = Files.writeString(dir.resolve(".model.safetensors.42.tmp"), "being written");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                AtomicFileTest.class.getName(), live.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine(), "the holder process locks its file");
            AtomicFile.writeString(target, "a model");
            assertEquals("a model", Files.readString(target));
            assertEquals(List.of(".checkpoint.safetensors.789.tmp", ".model.safetensors.42.tmp", ".model.safetensors.bak.1.tmp",
                    "model.safetensors"), names(), "the dead writers' files are gone, the live one's and other targets' stay");
            assertTrue(Files.notExists(dead) && Files.notExists(older));
        } finally {
            holder.destroyForcibly().waitFor();   // kill -9: the system drops its lock
        }
        AtomicFile.writeString(target, "the model again");
        assertEquals(List.of(".checkpoint.safetensors.789.tmp", ".model.safetensors.bak.1.tmp", "model.safetensors"), names(),
                "once its writer is killed, its file goes too");
        assertTrue(Files.exists(other) && Files.exists(alike));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
