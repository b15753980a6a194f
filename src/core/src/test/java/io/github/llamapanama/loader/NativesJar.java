package io.github.llamapanama.loader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.JarFile;

/** What a packaged natives jar says of itself, read as the loader reads it (for the other modules' tests). */
public final class NativesJar {
    private NativesJar() {}

    /** The {@code build} line of the jar's natives.properties: what the natives were built with. */
    public static String build(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            var entry = j.stream().filter(e -> e.getName().endsWith("/" + NativesIndex.FILE)).findFirst()
                    .orElseThrow(() -> new IOException("no " + NativesIndex.FILE + " in " + jar));
            try (var in = j.getInputStream(entry)) {
                return NativesIndex.read(in).build();
            }
        }
    }
}
