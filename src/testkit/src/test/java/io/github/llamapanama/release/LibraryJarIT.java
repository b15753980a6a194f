package io.github.llamapanama.release;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged library jar holds the library and its bindings, and nothing that sits on top of it. */
class LibraryJarIT {
    private static final Set<String> LIBRARY = Set.of("", "chat", "chat/jinja", "embedding", "generation", "gguf",
            "hub", "internal", "internal/ffm", "loader", "model", "provider", "sampling", "vision", "vision/tiling",
            "vision/video");

    @Test
    void holdsOnlyTheLibrarysPackages() throws Exception {
        Set<String> packages = new TreeSet<>();
        try (JarFile jar = new JarFile(Path.of(System.getProperty("main.jar")).toFile())) {
            jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class") && !n.equals("module-info.class"))
                    .forEach(n -> {
                        assertTrue(n.startsWith("io/github/llamapanama/"), n);
                        String rest = n.substring("io/github/llamapanama/".length());
                        packages.add(rest.contains("/") ? rest.substring(0, rest.lastIndexOf('/')) : "");
                    });
            assertTrue(jar.getEntry("module-info.class") != null, "the library is a named module");
        }
        assertEquals(new TreeSet<>(LIBRARY), packages);
    }
}
