// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.HeapBytes;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming CSV line reader splits exactly as the plain reference below — {@link BufferedReader#readLine}
 * and a split of each line into a list of strings, the reader Gradus had before — on seeded random files
 * made of the characters that matter (quotes, commas, spaces, tabs, line ends, a byte-order mark), errors
 * and their locations included; and a line of too many columns costs little memory to refuse.
 */
class CsvLinesTest {
    @TempDir Path dir;

    @Test
    void splitsAsTheReferenceOnRandomFiles() throws IOException {
        Random r = new Random(3);
        String alphabet = "ab1. ,,\"\"\t\r\n\n\u00e9";
        for (int k = 0; k < 3000; k++) {
            StringBuilder sb = new StringBuilder(k % 7 == 0 ? "\uFEFF" : "");
            int n = r.nextInt(40);
            for (int i = 0; i < n; i++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            Path f = dir.resolve("f" + k + ".csv");
            assertEquals(reference(f, text), streamed(f, text), () -> "file " + text.replace("\r", "\\r").replace("\n", "\\n"));
        }
    }

    /** Each line as "number: [fields]", or the error's location and problem, as the reference reports them. */
    private static List<String> reference(Path file, String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = new ArrayList<>();
                try {
                    split(line, fields, file, lineNo);
                } catch (MalformedDataException e) {
                    out.add(e.getMessage());
                    return out;
                }
                out.add(lineNo + ": " + fields);
            }
        }
        return out;
    }

    private static List<String> streamed(Path file, String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (CsvLines lines = new CsvLines(file, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            while (lines.next()) {
                out.add(lines.line() + ": " + lines.fields());
            }
        } catch (MalformedDataException e) {
            out.add(e.getMessage());
        }
        return out;
    }

    /** The reference: Gradus's split before the streaming reader, unchanged. */
    private static void split(String line, List<String> out, Path file, int lineNo) {
        out.clear();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                int open = i++;
                while (true) {
                    if (i >= n) {
                        throw new MalformedDataException(file, "line " + lineNo + ", character " + (open + 1),
                                "unclosed quote");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                while (i < n && line.charAt(i) != ',') {
                    if (line.charAt(i) != ' ') {
                        throw new MalformedDataException(file, "line " + lineNo + ", character " + (i + 1),
                                "text after a closing quote");
                    }
                    i++;
                }
                out.add(field.toString());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                out.add(line.substring(start, i).trim());
            }
            field.setLength(0);
            if (i >= n) {
                return;
            }
            i++; // the comma
        }
    }

    /** Issue 8: a 200 MB line took 5.7 GB; a line of more than 2^20 columns is now refused as it is read. */
    @Test
    void aLineOfTooManyColumnsIsRefusedCheaply() throws IOException {
        Path f = Files.writeString(dir.resolve("wide.csv"), "0,".repeat(CsvLines.MAX_COLUMNS) + "1\n");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> CsvDataset.readFeatures(f));
        assertEquals("line 1", e.location());
        assertTrue(e.getMessage().contains("has more than 1,048,576 columns"), e.getMessage());
        long heap = HeapBytes.of(() -> CsvDataset.readFeatures(f));
        assertTrue(heap < 24 << 20, "refusing a 2 MB line allocated " + heap + " heap bytes");
    }

    @Test
    void invalidUtf8NamesTheFile() throws IOException {
        Path f = Files.write(dir.resolve("latin1.csv"), "a,b\n1,\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> CsvDataset.readFeatures(f));
        assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains("not valid UTF-8"), e.getMessage());
        assertEquals("line 2", e.location());
    }
}
