// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import java.nio.file.Path;

/**
 * A data file whose contents are not what its format requires. The message is one line:
 * {@code <file>: <where>: <what was wrong>}, where {@code <where>} is a byte offset (IDX) or a line and
 * column (CSV). It is an {@link IllegalArgumentException}: the input is bad, not the program.
 */
public final class MalformedDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String location;

    public MalformedDataException(Path file, String location, String problem) {
        super(file + ": " + location + ": " + problem);
        this.file = file;
        this.location = location;
    }

    public MalformedDataException(Path file, String location, String problem, Throwable cause) {
        super(file + ": " + location + ": " + problem, cause);
        this.file = file;
        this.location = location;
    }

    /** The file that was read. */
    public Path file() { return file; }

    /** Where in the file, e.g. "offset 16" or "line 7, column 3". */
    public String location() { return location; }
}
