// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code TAG {...}} lines that the benchmark runners print among their other output. */
final class TaggedLines {
    /** Parses one line's JSON; {@code where} ("file line N") names it in messages. */
    interface Parser<T> {
        T parse(String json, String where);
    }

    private TaggedLines() { }

    /** Every line of {@code file} that starts with {@code tag} and a space, parsed; other lines are ignored. */
    static <T> List<T> read(Path file, String tag, Parser<T> parser) throws IOException {
        List<T> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String prefix = tag + " ";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith(prefix)) {
                out.add(parser.parse(line.substring(prefix.length()), file + " line " + (i + 1)));
            }
        }
        return out;
    }
}
