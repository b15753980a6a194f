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

    /** Issue #25: string payloads and array counts are aimed at, and such files still parse. */
    @Test
    void mutationsReachStringPayloadsAndArrayCounts() throws Exception {
        GgufMutator m = new GgufMutator(Files.readAllBytes(Fixtures.tinyQwen2()));
        java.util.Map<String, Integer> seen = new java.util.TreeMap<>();
        int nulParsed = 0;
        for (long seed = 0; seed < 1500; seed++) {
            GgufMutator.Mutation mu = m.mutate(seed);
            String d = mu.description();
            for (String k : new String[] {"NUL", "invalid UTF-8", "another element's text", "elements instead of",
                    "set [", "length of element", "length of tokenizer.ggml"}) {
                if (d.contains(k)) {
                    seen.merge(k, 1, Integer::sum);
                }
            }
            if (d.contains("NUL") && !d.startsWith("raw")) {
                Path f = tmp.resolve("nul.gguf");
                Files.write(f, mu.bytes());
                try (GgufFile g = GgufFile.open(f)) {
                    nulParsed++;
                } catch (GgufFormatException e) {
                    // a second edit in the same case may break the file
                }
            }
        }
        assertTrue(seen.size() == 7 && seen.values().stream().allMatch(n -> n >= 5), seen.toString());
        assertTrue(nulParsed >= 20, "only " + nulParsed + " NUL payloads parse: " + seen);
    }
}
