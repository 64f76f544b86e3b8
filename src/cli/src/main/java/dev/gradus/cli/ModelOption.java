// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.io.ModelNotation;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** The value of {@code --model}: the layer notation of {@link ModelNotation}, a built-in name, or {@code @FILE}. */
final class ModelOption {
    private ModelOption() {}

    /** The notation {@code value} stands for: the text of the file after '@', else itself. */
    static String text(String value) throws IOException {
        if (!value.startsWith("@")) {
            return value;
        }
        Path file = Path.of(value.substring(1));
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "--model " + value + ": no such file");
        }
        return Files.readString(file);
    }

    /**
     * The layers of {@code value} for samples of shape {@code input}; {@code data} names where that
     * shape comes from in messages.
     */
    static List<LayerSpec> layers(String value, Shape input, String data) throws IOException {
        String text = text(value);
        try {
            return ModelNotation.parse(text, input);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model " + (value.startsWith("@") ? value + " " : "") + "on " + data
                    + ", samples " + input + ": " + e.getMessage(), e);
        }
    }
}
