package io.github.llamapanama.fuzz;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CI-sized fuzz run: 1,000 mutated models, 300 mutated projectors, 1,000 mutated images
 * through Bitmap.decode and 100 through the server, each in a child JVM. Not one may crash or
 * hang the child, and none may end in a Java exception other than a LlamaException.
 */
class FuzzIT {
    @Test
    void noMutationCrashesOrHangs() throws Exception {
        Fuzzer.Options ci = Fuzzer.Options.ci(Path.of("target", "fuzz"));
        double scale = Double.parseDouble(System.getProperty("fuzz.scale", "1")); // to try the harness quickly
        Fuzzer.Options o = new Fuzzer.Options((int) (ci.models() * scale), (int) (ci.projectors() * scale),
                (int) (ci.images() * scale), (int) (ci.serverImages() * scale), ci.seed(), ci.jobs(), ci.batch(),
                ci.caseTimeoutSeconds(), ci.out());
        Fuzzer.Report r = Fuzzer.run(o);
        System.out.print(r.summary());
        assertEquals(0, r.total("crash"), r.summary());
        assertEquals(0, r.total("hang"), r.summary());
        assertTrue(r.unexpected().isEmpty(), r.summary());
        assertTrue(r.total("ok") > 0 && r.total("refused") > 0, "the mutations must reach both outcomes: " + r.summary());
    }
}
