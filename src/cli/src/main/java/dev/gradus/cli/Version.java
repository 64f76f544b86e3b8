// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import picocli.CommandLine;

/** The version from the jar's manifest (Maven's project version), or "development" when run from classes. */
final class Version implements CommandLine.IVersionProvider {

    static String text() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"gradus " + text(), "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
}
