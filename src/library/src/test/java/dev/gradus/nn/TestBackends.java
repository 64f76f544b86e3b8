// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.backend.Backend;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.reference.ReferenceBackend;
import java.util.List;

/** The backends every model-level test runs on: both, always (a native library that fails to load fails the tests). */
public final class TestBackends {
    private TestBackends() {}

    public static List<Backend> all() {
        return List.of(new ReferenceBackend(), new NativeBackend());
    }
}
