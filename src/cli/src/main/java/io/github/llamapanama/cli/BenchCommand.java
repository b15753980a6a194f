package io.github.llamapanama.cli;

import io.github.llamapanama.Llama;
import io.github.llamapanama.bench.BenchReport;
import io.github.llamapanama.bench.BenchRunner;
import io.github.llamapanama.bench.BenchSettings;
import io.github.llamapanama.bench.FixtureModels;
import io.github.llamapanama.bench.ImageSettings;
import io.github.llamapanama.bench.JsonReport;
import io.github.llamapanama.bench.NativeTools;
import io.github.llamapanama.bench.TableReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Benchmarks the Java path against llama.cpp's own tools from the same build (llama-bench,
 * llama-batched-bench, llama-mtmd-cli), on the same model file with the same threads, and prints
 * the ratios.
 */
@Command(name = "bench", subcommands = BenchServerCommand.class, description = {
        "Benchmark the Java path against llama.cpp's own llama-bench, llama-batched-bench and llama-mtmd-cli"
                + " from the same build:"
                + " same model file, same threads, Java and native runs alternating; each figure is the median of"
                + " --reps runs, with its spread, and the Java/native ratio.",
        "Without --model it uses the generated InternVL3-1B-shaped fixtures in <cache>/fixtures."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, split = ",", paramLabel = "FILE.gguf",
            description = "model(s) to benchmark (repeatable or comma-separated); default: the fixtures of --quant")
    List<Path> models;

    @Option(names = {"-q", "--quant"}, split = ",", paramLabel = "FORMAT",
            description = "fixture formats when no --model is given: F16, Q8_0, Q4_K_M (default: all three; --short: Q8_0)")
    List<String> formats;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "threads for Java and native runs (default: available processors)")
    Integer threads;

    @Option(names = {"-r", "--reps"}, paramLabel = "N",
            description = "repetitions of each figure (default: 5; --short: 2)")
    Integer reps;

    @Option(names = "--short", description = "short mode for CI: few tokens and reps, Q8_0 only unless --model is given")
    boolean shortMode;

    @Option(names = "--json", description = "print the report as JSON instead of a table")
    boolean json;

    @Option(names = "--pp", paramLabel = "N", description = "prompt tokens of the prefill test (default: 512; --short: 64)")
    Integer promptTokens;

    @Option(names = "--tg", paramLabel = "N", description = "tokens of the decode test (default: 128; --short: 16)")
    Integer genTokens;

    @Option(names = "--batch-sizes", split = ",", paramLabel = "N",
            description = "parallel sequence counts of the batch test (default: 1,2,4,8)")
    List<Integer> batchSizes;

    @Option(names = "--batch-prompt", paramLabel = "N",
            description = "prompt tokens per sequence in the batch test (default: 32; --short: 16)")
    Integer batchPrompt;

    @Option(names = "--batch-tg", paramLabel = "N",
            description = "decode steps of the batch test (default: 32; --short: 8)")
    Integer batchGen;

    @Option(names = "--mmproj", paramLabel = "FILE.gguf",
            description = "vision projector for the image test against llama-mtmd-cli (default without --model:"
                    + " the InternVL3-1B-shaped fixture; with --model: no image test)")
    Path mmproj;

    @Option(names = "--image", paramLabel = "FILE",
            description = "image of the image test (default: a generated 640x480 PNG)")
    Path image;

    @Option(names = "--image-prompt", paramLabel = "TEXT",
            description = "prompt of the image test (default: \"" + ImageSettings.DEFAULT_PROMPT + "\")")
    String imagePrompt;

    @Option(names = "--image-tg", paramLabel = "N",
            description = "answer tokens of the image test (default: 128; --short: 16)")
    Integer imageGen;

    @Option(names = "--no-image", description = "skip the image test")
    boolean noImage;

    @Option(names = "--tools", paramLabel = "DIR",
            description = "llama.cpp's tools (default: <cache>/tools/<platform>, where build-native.sh puts them)")
    Path toolsDirectory;

    @Option(names = "--reference", paramLabel = "DIR",
            description = "llama-mtmd-cli of the unpatched pinned tree built with GGML_NATIVE=ON, the image encode's"
                    + " reference (default: <cache>/build/reference/bin, where build-native.sh --reference puts it;"
                    + " the row is left out when it is not there)")
    Path referenceDirectory;

    @Option(names = "--java-only", description = "skip llama.cpp's tools: Java figures only, no ratios")
    boolean javaOnly;

    @Option(names = {"-v", "--verbose"}, description = "show llama.cpp's log")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (verbose) {
            Llama.setLogLevel(Level.INFO);
        }
        BenchSettings settings = settings();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BenchReport report = new BenchRunner(settings, System.err::println).run();
        out.print(json ? JsonReport.render(report) + System.lineSeparator() : TableReport.render(report));
        return 0;
    }

    BenchSettings settings() {
        List<Path> files = models != null && !models.isEmpty() ? models
                : FixtureModels.require(formats != null && !formats.isEmpty() ? formats
                : shortMode ? List.of("Q8_0") : FixtureModels.FORMATS);
        BenchSettings s = shortMode ? BenchSettings.quick(files) : BenchSettings.full(files);
        if (threads != null) {
            s = s.withThreads(threads);
        }
        if (reps != null) {
            s = s.withReps(reps);
        }
        if (promptTokens != null) {
            s = s.withPromptTokens(promptTokens);
        }
        if (genTokens != null) {
            s = s.withGenTokens(genTokens);
        }
        if (batchSizes != null || batchPrompt != null || batchGen != null) {
            s = s.withBatch(batchSizes != null ? batchSizes : s.batchSizes(),
                    batchPrompt != null ? batchPrompt : s.batchPrompt(), batchGen != null ? batchGen : s.batchGen());
        }
        Path projector = noImage ? null : mmproj != null ? mmproj
                : models == null || models.isEmpty() ? FixtureModels.requireMmproj() : null;
        if (projector != null) {
            if (image != null && !Files.isRegularFile(image)) {
                throw new ParameterException(spec.commandLine(), "--image: no such file: " + image);
            }
            NativeTools reference = referenceDirectory != null ? new NativeTools(referenceDirectory) : NativeTools.reference();
            if (referenceDirectory != null && !reference.has("llama-mtmd-cli")) {
                throw new ParameterException(spec.commandLine(), "--reference: no llama-mtmd-cli in " + referenceDirectory);
            }
            s = s.withImage(new ImageSettings(projector, image,
                    imagePrompt != null ? imagePrompt : ImageSettings.DEFAULT_PROMPT,
                    imageGen != null ? imageGen : shortMode ? ImageSettings.SHORT_GEN : ImageSettings.FULL_GEN,
                    javaOnly || !reference.has("llama-mtmd-cli") ? null : reference));
        }
        if (javaOnly) {
            s = s.withTools(null);
        } else if (toolsDirectory != null) {
            s = s.withTools(new NativeTools(toolsDirectory));
        }
        return s;
    }
}
