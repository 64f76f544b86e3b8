// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The lines of a CSV file, one at a time, each split into its fields in the format {@link CsvDataset}
 * documents (quotes, trimming, blank lines skipped, {@code \n}, {@code \r\n} or {@code \r} line ends, a
 * leading byte-order mark ignored). A line is read straight into one reusable buffer of its decoded
 * fields, with no string per line or per field, so a line costs about its own length; a line of more
 * than {@value #MAX_COLUMNS} fields is refused as soon as it has that many.
 */
final class CsvLines implements AutoCloseable {
    /** The most fields a line may have. */
    static final int MAX_COLUMNS = 1 << 20;

    private enum State { START, UNQUOTED, QUOTED, QUOTE_SEEN, AFTER_QUOTE }

    private final Path file;
    private final InputStream in;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();   // reports malformed input
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 13).flip();
    private final CharBuffer chars = CharBuffer.allocate(1 << 13).flip();
    private boolean endOfInput;
    private boolean malformed;   // the bytes after the decoded characters are not UTF-8
    private boolean skipLineFeed;   // the previous line ended with \r
    private final StringBuilder text = new StringBuilder();   // the line's decoded fields, back to back
    private int[] ends = new int[64];                          // where each field ends in text
    private int count;
    private int line;
    private boolean blank;   // nothing but white space on the current line

    CsvLines(Path file) throws IOException {
        this(file, Files.newInputStream(file));
    }

    /** The lines of {@code in}, reported as those of {@code file}; closes {@code in}. */
    CsvLines(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    /** Moves to the next line that is not blank; false at the end of the file. */
    boolean next() throws IOException {
        while (readLine()) {
            if (!blank) {
                return true;
            }
        }
        return false;
    }

    /** The 1-based number of the current line. */
    int line() { return line; }

    /** The current line's field count. */
    int count() { return count; }

    /** Field {@code j} of the current line, decoded and trimmed. */
    String field(int j) {
        return text.substring(j == 0 ? 0 : ends[j - 1], ends[j]);
    }

    /** Every field of the current line. */
    List<String> fields() {
        List<String> out = new ArrayList<>(count);
        for (int j = 0; j < count; j++) {
            out.add(field(j));
        }
        return out;
    }

    private boolean readLine() throws IOException {
        text.setLength(0);
        count = 0;
        blank = true;
        int c = read();
        if (skipLineFeed && c == '\n') {
            c = read();
        }
        skipLineFeed = false;
        if (c < 0) {
            return false;
        }
        line++;
        if (line == 1 && c == '\uFEFF') {
            c = read();
        }
        State state = State.START;
        int fieldStart = 0;
        int quoteAt = 0;
        for (int col = 0; ; col++, c = read()) {
            if (c < 0 || c == '\n' || c == '\r') {
                skipLineFeed = c == '\r';
                if (state == State.QUOTED) {
                    throw new MalformedDataException(file, "line " + line + ", character " + (quoteAt + 1), "unclosed quote");
                }
                endField(state == State.START ? text.length() : fieldStart, state == State.START || state == State.UNQUOTED);
                return true;
            }
            char ch = (char) c;
            blank &= Character.isWhitespace(ch);
            switch (state) {
                case START -> {
                    if (ch == '"') {
                        state = State.QUOTED;
                        quoteAt = col;
                        fieldStart = text.length();
                    } else if (ch == ',') {
                        endField(text.length(), true);
                    } else if (ch != ' ') {
                        state = State.UNQUOTED;
                        fieldStart = text.length();
                        text.append(ch);
                    }
                }
                case UNQUOTED -> {
                    if (ch == ',') {
                        endField(fieldStart, true);
                        state = State.START;
                    } else {
                        text.append(ch);
                    }
                }
                case QUOTED -> {
                    if (ch == '"') {
                        state = State.QUOTE_SEEN;
                    } else {
                        text.append(ch);
                    }
                }
                case QUOTE_SEEN, AFTER_QUOTE -> {
                    if (ch == '"' && state == State.QUOTE_SEEN) {   // "" inside quotes is a quote
                        text.append('"');
                        state = State.QUOTED;
                    } else if (ch == ',') {
                        endField(fieldStart, false);
                        state = State.START;
                    } else if (ch == ' ') {
                        state = State.AFTER_QUOTE;
                    } else {
                        throw new MalformedDataException(file, "line " + line + ", character " + (col + 1),
                                "text after a closing quote");
                    }
                }
            }
        }
    }

    /** Closes the field that began at {@code start} of the text; an unquoted one is trimmed as {@link String#trim}. */
    private void endField(int start, boolean trim) {
        if (trim) {
            int end = text.length();
            while (end > start && text.charAt(end - 1) <= ' ') {
                end--;
            }
            text.setLength(end);
            int first = start;
            while (first < end && text.charAt(first) <= ' ') {
                first++;
            }
            text.delete(start, first);
        }
        if (count == MAX_COLUMNS) {
            throw new MalformedDataException(file, "line " + line, String.format(Locale.ROOT,
                    "has more than %,d columns", MAX_COLUMNS));
        }
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, Math.min(2 * count, MAX_COLUMNS));
        }
        ends[count++] = text.length();
    }

    /** The next character, or -1 at the end; decodes as it goes, so a bad byte is reported on its own line. */
    private int read() throws IOException {
        if (!chars.hasRemaining() && !fill()) {
            return -1;
        }
        return chars.get();
    }

    private boolean fill() throws IOException {
        chars.clear();
        while (chars.position() == 0) {
            if (malformed) {
                throw new MalformedDataException(file, "line " + Math.max(line, 1), "is not valid UTF-8");
            }
            CoderResult result = utf8.decode(bytes, chars, endOfInput);
            if (result.isError()) {
                malformed = true;   // reported once the characters before it are consumed
            } else if (result.isUnderflow()) {
                if (endOfInput) {
                    break;
                }
                bytes.compact();
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    endOfInput = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
            }
        }
        chars.flip();
        return chars.hasRemaining();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
