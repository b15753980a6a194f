package io.github.llamapanama.fuzz;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mutator's own ground: a faithful round trip, and a Java reader that only ever refuses. */
class GgufMutatorTest {
    @TempDir
    Path tmp;

    @Test
    void layoutRoundTripsTheFixtures() throws Exception {
        for (Path p : new Path[] {Fixtures.tinyQwen2(), Fixtures.tinyInternVlMmproj()}) {
            byte[] b = Files.readAllBytes(p);
            assertArrayEquals(b, GgufLayout.parse(b).write(GgufMutator.MAX_DATA), p.toString());
        }
    }

    @Test
    void javaReaderOnlyRefusesMutations() throws Exception {
        int structurallyValid = 0;
        for (Path p : new Path[] {Fixtures.tinyQwen2(), Fixtures.tinyInternVlMmproj()}) {
            GgufMutator m = new GgufMutator(Files.readAllBytes(p));
            for (long seed = 0; seed < 300; seed++) {
                Path f = tmp.resolve("case.gguf");
                Files.write(f, m.mutate(seed).bytes());
                try (GgufFile ignored = GgufFile.open(f)) {
                    structurallyValid++;
                } catch (GgufFormatException expected) {
                    // refused with a reason: fine
                }
            }
        }
        // most structural mutations must get past the reader, or they never reach llama.cpp
        assertTrue(structurallyValid > 200, "only " + structurallyValid + " of 600 mutations parse");
    }
}
