// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This library's version, as the build wrote it into the jar (Maven's project version, e.g. 0.1.0-SNAPSHOT). */
public final class Version {
    private static final String CURRENT = read();

    private Version() {}

    /** The version of the Gradus library on the class path. */
    public static String current() { return CURRENT; }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/gradus/version.properties is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
