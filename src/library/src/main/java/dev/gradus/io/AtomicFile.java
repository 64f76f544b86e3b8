// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Writes a file all or nothing: the content goes to a temporary file in the target's directory,
 * {@code .NAME.<random>.tmp}, is flushed to disk, and is then renamed over the target in one atomic
 * step. A failure (an exception from the content, a full disk) deletes the temporary file and leaves
 * the target as it was, so readers never see a half-written file.
 *
 * <p>A process killed while writing (kill -9, a power cut) leaves its temporary file behind. The writer
 * holds an exclusive lock on its temporary file until it is renamed, and the operating system drops a
 * dead process's locks, so the next write of the same target deletes every temporary file of that
 * target that nobody holds: those of dead writers, never that of a live one.
 */
public final class AtomicFile {
    /** The temporary files this JVM is writing: its own cleanup leaves them alone without opening them. */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

    private AtomicFile() {}

    /** What to write into the stream; the stream is closed by {@link #write}. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the file's content.
         * @param out where to write it
         * @throws IOException when the content cannot be written
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} to {@code target} atomically; creates missing parent directories, and deletes
     * the temporary files that killed writers of {@code target} left.
     * @param target the file to write
     * @param content what to write into it
     * @throws IOException when the file cannot be written; {@code target} is then unchanged
     */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        String name = absolute.getFileName().toString();
        removeStale(dir, name);
        Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        WRITING.add(tmp);
        boolean moved = false;
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            lock(channel);   // held until the rename: the file's writer is alive
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // a model or a chart is an ordinary file, whatever the umask
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            content.writeTo(out);
            out.flush();
            channel.force(true);
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
            WRITING.remove(tmp);
        }
    }

    /**
     * Writes a UTF-8 text atomically.
     * @param target the file to write
     * @param text its content
     * @throws IOException when the file cannot be written; {@code target} is then unchanged
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Locks the temporary file where the file system can; where it cannot, nobody's cleanup can lock it either. */
    private static void lock(FileChannel channel) {
        try {
            channel.lock();
        } catch (IOException e) {
            // no locks on this file system
        }
    }

    /**
     * Deletes the temporary files of earlier writes of {@code name} in {@code dir} whose writer is gone:
     * those that can be locked. Best effort: a file that cannot be opened or locked is left alone.
     * (The pattern also takes the earlier naming, without the dot before the random part.)
     */
    private static void removeStale(Path dir, String name) {
        Pattern temporary = Pattern.compile("\\." + Pattern.quote(name) + "\\.?[0-9]+\\.tmp");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                f -> temporary.matcher(f.getFileName().toString()).matches())) {
            for (Path f : files) {
                if (WRITING.contains(f)) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    if (channel.tryLock() != null) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException | OverlappingFileLockException e) {
                    // held by a live writer, or not ours to delete
                }
            }
        } catch (IOException e) {
            // an unreadable directory: the write itself will say so
        }
    }
}
