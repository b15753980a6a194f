package io.github.llamapanama.bench;

import io.github.llamapanama.Llama;
import io.github.llamapanama.LlamaException;
import io.github.llamapanama.bench.JavaImageBench.ImageRun;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.vision.EncodeProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Runs the benchmark: for each model, the pp and tg tests against llama-bench, the Generator
 * with greedy sampling, the batch test against llama-batched-bench, the Java heap cost, and the
 * image test against llama-mtmd-cli.
 * Every figure is repeated, and Java and native runs alternate, in swapped order every other
 * repetition (J N, N J, J N, ...), so that noise on the machine hits both sides alike.
 * Everything runs on the calling thread.
 */
public final class BenchRunner {
    private final BenchSettings settings;
    private final Consumer<String> progress;

    /**
     * @param progress receives one line per run, for a human watching (e.g. System.err::println)
     */
    public BenchRunner(BenchSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Runs everything; a native tool that fails is noted in the report rather than thrown. */
    public BenchReport run() {
        List<ModelReport> models = new ArrayList<>();
        ImageSettings image = settings.image();
        Path drawn = image != null && image.image() == null ? drawImage() : null;
        try {
            ImageSettings resolved = drawn == null ? image : image.withImage(drawn);
            for (Path model : settings.models()) {
                models.add(runModel(model, resolved));
            }
        } finally {
            if (drawn != null) {
                drawn.toFile().delete();
            }
        }
        NativeTools tools = settings.tools();
        return new BenchReport(Llama.llamaCppCommit(), Runtime.version().toString(), settings.threads(),
                settings.reps(), settings.shortMode(), tools == null ? null : tools.directory().toString(), models);
    }

    private static Path drawImage() {
        try {
            return BenchImage.write(Files.createTempFile("llama-panama-bench", ".png"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark image", e);
        }
    }

    private ModelReport runModel(Path file, ImageSettings imageSettings) {
        progress.accept("loading " + file);
        List<String> notes = new ArrayList<>();
        NativeSide llamaBench = new NativeSide(LlamaBenchTool.NAME, notes);
        NativeSide batchedBench = new NativeSide(BatchedBenchTool.NAME, notes);
        NativeSide mtmdCli = imageSettings == null ? null : new NativeSide(MtmdCliTool.NAME, notes);
        try (Model model = Model.load(file)) {
            String name = file.getFileName().toString();
            Comparison prefill;
            Comparison decode;
            SamplingFigure sampling;
            Runs tgRuns = new Runs(settings.reps());
            Runs genRuns = new Runs(settings.reps());
            try (JavaLlamaBench java = new JavaLlamaBench(model, settings.threads())) {
                prefill = prefill(file, name, java, llamaBench);
                try (JavaGenerationBench generation = new JavaGenerationBench(model, settings.threads(),
                        settings.genTokens())) {
                    decode = decode(file, name, java, generation, llamaBench, tgRuns, genRuns);
                }
            }
            Summary gen = Summary.of(genRuns.tokensPerSecond());
            sampling = new SamplingFigure("tg" + settings.genTokens() + " + greedy", gen,
                    gen.median() / decode.java().median(),
                    decode.llamaCpp() == null ? null : gen.median() / decode.llamaCpp().median());
            Runs batchRuns = new Runs(settings.reps() * settings.batchSizes().size());
            BatchSection batch = batch(model, file, name, batchedBench, batchRuns);
            HeapSection heap = heap(tgRuns, genRuns, batchRuns);
            // The pp/tg/batch runs above decode on this thread with raw Context.decode, as llama-bench
            // does, which leaves this thread's OpenMP team alive: free it, as an application would.
            Llama.releaseComputeThreads();
            Comparison threads = new ThreadSection(settings, progress).run(file, name);
            ImageSection image = mtmdCli == null ? null : image(model, file, name, imageSettings, mtmdCli, notes);
            return new ModelReport(name, model.description(), model.size(), model.parameterCount(), prefill, decode,
                    sampling, batch, heap, threads, image, notes);
        }
    }

    private Comparison prefill(Path file, String name, JavaLlamaBench java, NativeSide tool) {
        int pp = settings.promptTokens();
        int reps = settings.reps();
        Runs j = new Runs(reps);
        double[] n = new double[reps];
        LlamaBenchTool llamaBench = tool.enabled() ? new LlamaBenchTool(settings.tools()) : null;
        Supplier<Double> nativeRun = () -> first(llamaBench.prompt(file, pp, settings.threads(), 1), tool.notes);
        for (int r = 0; r < reps; r++) {
            int i = r;
            pair(r, () -> j.add(java.prompt(pp)), () -> n[i] = tool.measure(nativeRun));
            report(name, "pp" + pp, r, j.last().tokensPerSecond(), n[r], "t/s");
        }
        return Comparison.of("pp" + pp, "t/s", Summary.of(j.tokensPerSecond()), tool.summary(n), Targets.NATIVE_RATIO)
                .withLayer(j.layerCost());
    }

    private Comparison decode(Path file, String name, JavaLlamaBench java, JavaGenerationBench generation,
                              NativeSide tool, Runs tgRuns, Runs genRuns) {
        int tg = settings.genTokens();
        int reps = settings.reps();
        double[] n = new double[reps];
        LlamaBenchTool llamaBench = tool.enabled() ? new LlamaBenchTool(settings.tools()) : null;
        Supplier<Double> nativeRun = () -> first(llamaBench.generation(file, tg, settings.threads(), 1), tool.notes);
        for (int r = 0; r < reps; r++) {
            int i = r;
            pair(r, () -> tgRuns.add(java.generation(tg)), () -> n[i] = tool.measure(nativeRun));
            report(name, "tg" + tg, r, tgRuns.last().tokensPerSecond(), n[r], "t/s");
            RunSample g = genRuns.add(generation.run(tg));
            genRuns.loop(generation.lastLoopBytesPerPiece());
            report(name, "tg" + tg + " + greedy", r, g.tokensPerSecond(), Double.NaN, "t/s");
        }
        return Comparison.of("tg" + tg, "t/s", Summary.of(tgRuns.tokensPerSecond()), tool.summary(n),
                Targets.NATIVE_RATIO).withLayer(tgRuns.layerCost());
    }

    private BatchSection batch(Model model, Path file, String name, NativeSide tool, Runs all) {
        List<Integer> sizes = settings.batchSizes();
        int pp = settings.batchPrompt();
        int tg = settings.batchGen();
        int ctx = settings.batchContextSize();
        int reps = settings.reps();
        double[][] j = new double[sizes.size()][reps];
        List<Runs> javaRuns = new ArrayList<>();
        for (int k = 0; k < sizes.size(); k++) {
            javaRuns.add(new Runs(reps));
        }
        double[][] n = new double[sizes.size()][reps];
        BatchedBenchTool batched = tool.enabled() ? new BatchedBenchTool(settings.tools()) : null;
        try (JavaBatchedBench java = new JavaBatchedBench(model, settings.threads(), ctx, settings.maxBatchSize())) {
            for (int r = 0; r < reps; r++) {
                int i = r;
                pair(r, () -> {
                    for (int k = 0; k < sizes.size(); k++) {
                        j[k][i] = all.add(javaRuns.get(k).add(java.run(pp, tg, sizes.get(k)))).tokensPerSecond();
                    }
                }, () -> {
                    double[] speeds = tool.call(() ->
                            speeds(batched.run(file, ctx, pp, tg, sizes, settings.threads()), sizes));
                    for (int k = 0; k < sizes.size(); k++) {
                        n[k][i] = speeds == null ? Double.NaN : speeds[k];
                    }
                });
                for (int k = 0; k < sizes.size(); k++) {
                    report(name, "batch " + sizes.get(k) + " seq", r, j[k][r], n[k][r], "t/s");
                }
            }
        }
        List<BatchRow> rows = new ArrayList<>();
        for (int k = 0; k < sizes.size(); k++) {
            rows.add(new BatchRow(sizes.get(k), Comparison.of("tg" + tg + " x " + sizes.get(k) + " seq", "t/s",
                    Summary.of(j[k]), tool.summary(n[k]), Targets.NATIVE_RATIO).withLayer(javaRuns.get(k).layerCost())));
        }
        int fewest = indexOf(sizes, true);
        int most = indexOf(sizes, false);
        Double javaScaling = fewest == most ? null : Summary.of(j[most]).median() / Summary.of(j[fewest]).median();
        Summary nMost = tool.summary(n[most]);
        Summary nFewest = tool.summary(n[fewest]);
        Double nativeScaling = fewest == most || nMost == null ? null : nMost.median() / nFewest.median();
        boolean judged = javaScaling != null && sizes.get(fewest) == 1;
        return new BatchSection(pp, tg, ctx, rows, javaScaling, nativeScaling, Targets.BATCH_SCALING,
                judged ? Targets.BATCH_SCALING.met(javaScaling) : null);
    }

    /**
     * The image test: each repetition one Java run and one llama-mtmd-cli process, alternating.
     * A projector that does not fit the model is noted and the test skipped, not thrown.
     */
    private ImageSection image(Model model, Path file, String name, ImageSettings image, NativeSide tool,
                               List<String> notes) {
        int reps = settings.reps();
        ImageRun[] j = new ImageRun[reps];
        MtmdCliResult[] n = new MtmdCliResult[reps];
        MtmdCliTool mtmdCli = tool.enabled() ? new MtmdCliTool(settings.tools()) : null;
        MtmdCliTool reference = image.reference() != null && image.reference().has(MtmdCliTool.NAME)
                ? new MtmdCliTool(image.reference()) : null;
        MtmdCliResult[] ref = new MtmdCliResult[reps];
        EncodeProfile[] profile = new EncodeProfile[1];
        try (JavaImageBench java = new JavaImageBench(model, image, settings.threads())) {
            for (int r = 0; r < reps; r++) {
                int i = r;
                pair(r, () -> j[i] = java.run(), () -> n[i] = tool.call(() -> mtmdCli.run(file, image.mmproj(),
                        image.image(), image.prompt(), image.genTokens(), settings.threads())));
                if (reference != null) {
                    ref[i] = reference.run(file, image.mmproj(), image.image(), image.prompt(), image.genTokens(),
                            settings.threads());
                    report(name, "encode, reference llama-mtmd-cli", r, j[r].encodeMillis(), ref[i].encodeMillis(), "ms");
                }
                report(name, "image to first token", r, j[r].firstTokenMillis(),
                        n[r] == null ? Double.NaN : n[r].promptEvalMillis(), "ms");
            }
            // one more Java run, outside the figures, with every encoder node timed on its own
            profile[0] = EncodeProfile.of(java::run);
        } catch (LlamaException e) { // VisionException included: a projector for another model
            notes.add("image test skipped: " + e.getMessage());
            return null;
        }
        ImageRun first = j[0];
        for (MtmdCliResult r : n) {
            if (r != null && (r.promptTokens() != first.promptTokens() || r.imageTokens() != first.imageTokens())) {
                notes.add(MtmdCliTool.NAME + " evaluated " + r.promptTokens() + " prompt tokens (" + r.imageTokens()
                        + " image tokens), Java " + first.promptTokens() + " (" + first.imageTokens()
                        + "): the image comparison is not like for like");
                break;
            }
        }
        double[] bytes = java(j, ImageRun::bytesPerToken);
        String label = settings.image().image() == null ? BenchImage.DESCRIPTION : image.image().getFileName().toString();
        return new ImageSection(label, image.prompt(), first.promptTokens(),
                first.imageTokens(), image.genTokens(),
                Comparison.of("encode", "ms", Summary.of(java(j, ImageRun::encodeMillis)),
                        tool.summary(nativeSide(n, MtmdCliResult::encodeMillis)), null),
                reference == null ? null : Comparison.of("encode vs reference", "ms",
                        Summary.of(java(j, ImageRun::encodeMillis)), Summary.of(nativeSide(ref, MtmdCliResult::encodeMillis)),
                        io.github.llamapanama.vision.Projector.bf16WeightsAvailable()
                                ? Targets.ENCODE_REFERENCE_BF16 : Targets.ENCODE_REFERENCE),
                Comparison.of("image to first token", "ms", Summary.of(java(j, ImageRun::firstTokenMillis)),
                        tool.summary(nativeSide(n, MtmdCliResult::promptEvalMillis)), Targets.FIRST_TOKEN)
                        .withLayer(new LayerCost("ms", Summary.of(java(j, ImageRun::firstTokenLayerMillis)),
                                Summary.of(java(j, r -> r.firstTokenLayerMillis() / r.firstTokenMillis())))),
                Comparison.of("decode after image", "t/s", Summary.of(java(j, ImageRun::decodeTokensPerSecond)),
                        tool.summary(nativeSide(n, MtmdCliResult::evalTokensPerSecond)), Targets.NATIVE_RATIO)
                        .withLayer(new LayerCost("µs/token", Summary.of(java(j, ImageRun::decodeLayerMicros)),
                                Summary.of(java(j, r -> r.decodeLayerMicros() * r.decodeTokensPerSecond() / 1e6)))),
                Summary.of(java(j, ImageRun::loopTokensPerSecond)),
                Double.isNaN(bytes[0]) ? null : Summary.of(bytes),
                Arrays.stream(j).mapToLong(ImageRun::collections).sum(),
                TileFlops.of(image.mmproj(), first.imageTokens()).orElse(null), profile[0]);
    }

    private static double[] java(ImageRun[] runs, ToDoubleFunction<ImageRun> figure) {
        return Arrays.stream(runs).mapToDouble(figure).toArray();
    }

    /** NaN where a native run is missing, which {@link NativeSide#summary} turns into no figure. */
    private static double[] nativeSide(MtmdCliResult[] runs, ToDoubleFunction<MtmdCliResult> figure) {
        return Arrays.stream(runs).mapToDouble(r -> r == null ? Double.NaN : figure.applyAsDouble(r)).toArray();
    }

    /**
     * Runs one repetition's Java and native run, Java first in even repetitions and native first
     * in odd ones (J N, N J, J N, ...): the second run of a pair measurably gains (about 5% on
     * this project's 2-core test machine), and load on a shared machine drifts; the swapped
     * order cancels both from the medians and the paired ratios.
     */
    private static void pair(int rep, Runnable java, Runnable nativeRun) {
        if (rep % 2 == 0) {
            java.run();
            nativeRun.run();
        } else {
            nativeRun.run();
            java.run();
        }
    }

    private static HeapSection heap(Runs tg, Runs gen, Runs batch) {
        Summary decode = tg.bytesPerToken();
        Summary loop = gen.loopBytes();
        Summary run = gen.bytesPerRun();
        Boolean met = decode == null || loop == null ? null
                : Targets.HEAP_PER_TOKEN.met(decode.median()) && Targets.HEAP_PER_TOKEN.met(loop.median());
        return new HeapSection(decode, loop, run, batch.bytesPerToken(), tg.collections(), gen.collections(),
                Targets.HEAP_PER_TOKEN, met);
    }

    /** The aggregate generation speed of each of {@code sizes}, from the tool's lines. */
    private static double[] speeds(List<BatchedBenchResult> rows, List<Integer> sizes) {
        double[] speeds = new double[sizes.size()];
        for (int k = 0; k < speeds.length; k++) {
            int sequences = sizes.get(k);
            speeds[k] = rows.stream().filter(r -> r.pl() == sequences).findFirst()
                    .orElseThrow(() -> new IllegalStateException(BatchedBenchTool.NAME + " reported no shape with "
                            + sequences + " sequences"))
                    .generationSpeed();
        }
        return speeds;
    }

    private static int indexOf(List<Integer> sizes, boolean smallest) {
        int best = 0;
        for (int k = 1; k < sizes.size(); k++) {
            if (smallest ? sizes.get(k) < sizes.get(best) : sizes.get(k) > sizes.get(best)) {
                best = k;
            }
        }
        return best;
    }

    /**
     * The one figure of a single-repetition llama-bench run (one per Java run, to pair them);
     * checks that the tool comes from the natives' llama.cpp commit.
     */
    private static double first(LlamaBenchResult r, List<String> notes) {
        String commit = Llama.llamaCppCommit();
        String note = LlamaBenchTool.NAME + " was built from llama.cpp " + r.buildCommit() + ", the natives from "
                + commit + ": the comparison is not like for like";
        if (commit != null && !commit.startsWith(r.buildCommit()) && !notes.contains(note)) {
            notes.add(note);
        }
        return r.tokensPerSecond()[0];
    }

    private void report(String model, String test, int rep, double java, double nat, String unit) {
        String vs = Double.isNaN(nat) ? "" : String.format(Locale.ROOT, ", llama.cpp %.2f %s", nat, unit);
        progress.accept(String.format(Locale.ROOT, "%s %s %d/%d: Java %.2f %s%s", model, test, rep + 1,
                settings.reps(), java, unit, vs));
    }

    /** Timed Java runs of one kind. */
    private static final class Runs {
        private final List<RunSample> samples;
        private final List<Double> loopBytes = new ArrayList<>();

        Runs(int expected) {
            samples = new ArrayList<>(expected);
        }

        /** Records a run's per-token heap cost inside its loop (NaN: unknown). */
        void loop(double bytesPerToken) {
            loopBytes.add(bytesPerToken);
        }

        RunSample add(RunSample s) {
            samples.add(s);
            return s;
        }

        RunSample last() {
            return samples.getLast();
        }

        double[] tokensPerSecond() {
            return samples.stream().mapToDouble(RunSample::tokensPerSecond).toArray();
        }

        /** Null when the JVM does not count allocations. */
        Summary bytesPerToken() {
            return summaryOrNull(samples.stream().mapToDouble(RunSample::bytesPerToken).toArray());
        }

        Summary bytesPerRun() {
            return summaryOrNull(samples.stream().mapToDouble(s -> s.allocatedBytes() < 0 ? Double.NaN
                    : s.allocatedBytes()).toArray());
        }

        Summary loopBytes() {
            return summaryOrNull(loopBytes.stream().mapToDouble(Double::doubleValue).toArray());
        }

        private static Summary summaryOrNull(double[] values) {
            for (double v : values) {
                if (Double.isNaN(v)) {
                    return null;
                }
            }
            return values.length == 0 ? null : Summary.of(values);
        }

        long collections() {
            return samples.stream().mapToLong(RunSample::collections).sum();
        }

        /** Null unless every run was also timed by llama.cpp. */
        LayerCost layerCost() {
            if (samples.isEmpty() || samples.stream().anyMatch(s -> Double.isNaN(s.nativeMillis()))) {
                return null;
            }
            return new LayerCost("µs/token", Summary.of(samples.stream().mapToDouble(RunSample::layerMicrosPerToken)
                    .toArray()), Summary.of(samples.stream().mapToDouble(RunSample::layerShare).toArray()));
        }
    }

    /**
     * One native tool for one model: it runs while it works; the first failure is noted and
     * turns it off, so the report keeps the Java figures and says why the native ones are missing.
     */
    private final class NativeSide {
        private final String tool;
        private final List<String> notes;
        private boolean enabled;
        private boolean failed;

        NativeSide(String tool, List<String> notes) {
            this.tool = tool;
            this.notes = notes;
            NativeTools tools = settings.tools();
            enabled = tools != null && tools.has(tool);
            if (tools != null && !enabled) {
                notes.add(tool + " not found in " + tools.directory() + " (run ./build-native.sh): Java figures only");
            }
        }

        boolean enabled() {
            return enabled;
        }

        double measure(Supplier<Double> run) {
            Double v = call(run);
            return v == null ? Double.NaN : v;
        }

        <T> T call(Supplier<T> run) {
            if (!enabled) {
                return null;
            }
            try {
                return run.get();
            } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
                enabled = false;
                failed = true;
                notes.add(tool + " failed, so its figures are missing: " + e.getMessage());
                return null;
            }
        }

        /** The native figures, or null unless every run gave one (a pairing needs them all). */
        Summary summary(double[] values) {
            if (failed || values.length == 0) {
                return null;
            }
            for (double v : values) {
                if (Double.isNaN(v)) {
                    return null;
                }
            }
            return Summary.of(values);
        }
    }
}
