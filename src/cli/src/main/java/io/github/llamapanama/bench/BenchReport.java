package io.github.llamapanama.bench;

import java.util.List;

/**
 * A benchmark run: settings, then the figures of each model.
 *
 * @param llamaCppCommit the llama.cpp commit of the natives (and, checked, of the tools)
 * @param javaVersion    the JVM's version
 * @param threads        threads of every run
 * @param reps           repetitions of every figure
 * @param shortMode      whether the short (CI) settings ran
 * @param toolsDirectory where llama.cpp's tools came from; null when none ran
 * @param models         one report per model
 */
public record BenchReport(String llamaCppCommit, String javaVersion, int threads, int reps, boolean shortMode,
                          String toolsDirectory, List<ModelReport> models) {

    public BenchReport {
        models = List.copyOf(models);
    }
}
