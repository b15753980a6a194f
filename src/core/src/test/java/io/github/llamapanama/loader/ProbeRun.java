package io.github.llamapanama.loader;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** One {@link NativesProbe} run in a child JVM: its output, exit status and logits per step. */
record ProbeRun(int exit, String output, float[][] logits) {

    static ProbeRun of(Path model, int gpuLayers, int tokens, String... jvmArgs) throws Exception {
        Path logitsFile = Files.createTempFile("logits", ".bin");
        Path out = Files.createTempFile("probe", ".out");
        try {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"),
                    "-Dllama.panama.cache=" + NativeLibraries.cacheDirectory()));
            cmd.addAll(List.of(jvmArgs));
            cmd.add(NativesProbe.class.getName());
            if (model != null) {
                cmd.addAll(List.of(model.toString(), Integer.toString(gpuLayers), Integer.toString(tokens),
                        logitsFile.toString()));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().remove(NativeLibraries.DIR_ENV);
            pb.environment().remove(NativeLibraries.CPU_VARIANT_ENV);
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("probe did not finish: " + Files.readString(out));
            }
            return new ProbeRun(p.exitValue(), Files.readString(out), readLogits(logitsFile));
        } finally {
            Files.deleteIfExists(logitsFile);
            Files.deleteIfExists(out);
        }
    }

    private static float[][] readLogits(Path file) throws IOException {
        if (Files.size(file) == 0) {
            return new float[0][];
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            int vocab = in.readInt();
            long steps = (Files.size(file) - 4) / 4 / vocab;
            float[][] logits = new float[(int) steps][vocab];
            for (float[] step : logits) {
                for (int i = 0; i < vocab; i++) {
                    step[i] = in.readFloat();
                }
            }
            return logits;
        }
    }

    /** The value of {@code key=} in the output, or fails. */
    String value(String key) {
        return output.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + key + "= in:\n" + output));
    }

    List<String> values(String key) {
        return output.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).toList();
    }

    /** The largest absolute difference between two runs' logits at the first step (the prompt). */
    static double maxPromptLogitDiff(ProbeRun a, ProbeRun b) {
        double max = 0;
        for (int i = 0; i < a.logits[0].length; i++) {
            max = Math.max(max, Math.abs(a.logits[0][i] - b.logits[0][i]));
        }
        return max;
    }

    ProbeRun requireSuccess() {
        if (exit != 0) {
            fail("probe exited " + exit + ":\n" + output);
        }
        return this;
    }
}
