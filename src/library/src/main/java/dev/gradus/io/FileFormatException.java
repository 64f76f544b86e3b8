// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import java.nio.file.Path;

/** A file that exists but is not what it must be: the message names the file and what is wrong. */
public final class FileFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public FileFormatException(Path file, String what) {
        super(file + ": " + what);
        this.file = file;
    }

    /** The offending file. */
    public Path file() { return file; }
}
