package io.github.llamapanama.bench;

import java.util.Locale;

/**
 * Renders a {@link BenchReport} as a plain-text table: per model, one line per figure with the
 * Java and llama.cpp summaries (median ± MAD [min-max]), their ratio, and each target's
 * pass/miss next to it.
 */
public final class TableReport {
    private static final String ROW = "  %-22s %-36s %-36s %-16s %-13s %s%n";

    private TableReport() {}

    public static String render(BenchReport report) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "llama-panama bench%s: llama.cpp %s, Java %s, %d threads, %d reps"
                        + " per figure, median ± MAD [min-max]; Java and llama.cpp runs alternate%n",
                report.shortMode() ? " (short mode: a smoke test, not a measurement)" : "",
                abbreviate(report.llamaCppCommit()), report.javaVersion(), report.threads(), report.reps()));
        out.append("Java/llama.cpp: ratio of the medians, ± the MAD of the ratios of each Java run to the native run"
                + " after it").append(System.lineSeparator());
        out.append("Java layer: Java wall time less llama.cpp's own timing (llama_perf_context) of the same decodes,"
                + " in the same run").append(System.lineSeparator());
        out.append("llama.cpp tools: ").append(report.toolsDirectory() == null ? "none (Java figures only)"
                : report.toolsDirectory()).append(System.lineSeparator());
        for (ModelReport m : report.models()) {
            model(out, m);
        }
        return out.toString();
    }

    private static void model(StringBuilder out, ModelReport m) {
        out.append(String.format(Locale.ROOT, "%n%s  (%s, %.1f MiB, %.1f M parameters)%n", m.file(), m.description(),
                m.sizeBytes() / 1048576.0, m.parameters() / 1e6));
        out.append(String.format(Locale.ROOT, ROW, "test", "Java", "llama.cpp", "Java/llama.cpp", "target", ""));
        comparison(out, m.prefill());
        comparison(out, m.decode());
        SamplingFigure s = m.sampling();
        String vsNative = s.ratioToNativeDecode() == null ? "-" : ratio(s.ratioToNativeDecode()) + " of tg";
        out.append(String.format(Locale.ROOT, ROW, s.test(), summary(s.java(), "t/s"), "(no counterpart)", vsNative,
                "", "").stripTrailing());
        out.append(String.format(Locale.ROOT, " (%.2fx of Java tg)%n", s.ratioToJavaDecode()));
        BatchSection b = m.batch();
        int most = b.rows().stream().mapToInt(BatchRow::sequences).max().orElseThrow();
        int fewest = b.rows().stream().mapToInt(BatchRow::sequences).min().orElseThrow();
        out.append(String.format(Locale.ROOT, "  batch: up to %d sequences, prompts of %d tokens each, then %d steps"
                + " of one token per sequence; n_ctx %d%n", most, b.promptTokens(), b.steps(), b.contextSize()));
        for (BatchRow row : b.rows()) {
            comparison(out, row.throughput());
        }
        out.append(String.format(Locale.ROOT, ROW, "scaling " + most + " / " + fewest + " seq",
                b.javaScaling() == null ? "-" : ratio(b.javaScaling()),
                b.nativeScaling() == null ? "-" : ratio(b.nativeScaling()), "", b.target().description(),
                verdict(b.met())));
        HeapSection h = m.heap();
        out.append(String.format(Locale.ROOT, ROW, "heap B/token, tg", summary(h.decodeBytesPerToken(), ""), "", "",
                h.target().description(), verdict(h.met())));
        out.append(String.format(Locale.ROOT, ROW, "heap B/token, greedy", summary(h.generationBytesPerToken(), ""),
                "", "", h.target().description(), verdict(h.met())));
        out.append(String.format(Locale.ROOT, ROW, "heap B/greedy run", summary(h.generationBytesPerRun(), ""),
                "(the result: tokens, stats)", "", "", "").stripTrailing()).append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, ROW, "heap B/token, batch", summary(h.batchBytesPerToken(), ""),
                "", "", "", "").stripTrailing()).append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "  GC during timed decoding: %d (tg), %d (greedy)%n",
                h.decodeCollections(), h.generationCollections()));
        Comparison t = m.threads();
        out.append(String.format(Locale.ROOT, "  threads: model loaded on one thread, decoded on another (left) vs"
                + " loaded and decoded on one thread (right)%n"));
        comparison(out, t);
        image(out, m.image());
        for (String note : m.notes()) {
            out.append("  note: ").append(note).append(System.lineSeparator());
        }
    }

    private static void image(StringBuilder out, ImageSection i) {
        if (i == null) {
            return;
        }
        out.append(String.format(Locale.ROOT, "  image: %s, \"%s\", %d prompt tokens (%d of the image), answers of %d"
                + " tokens; llama.cpp: llama-mtmd-cli%n", i.image(), i.prompt(), i.promptTokens(), i.imageTokens(),
                i.answerTokens()));
        comparison(out, i.encode());
        if (i.referenceEncode() != null) {
            comparison(out, i.referenceEncode());
            out.append("    (reference: llama-mtmd-cli of the unpatched pinned tree, GGML_NATIVE=ON; target ")
                    .append(i.referenceEncode().target().description()).append(" with AVX512_BF16 or AMX, <= 0.8x without)")
                    .append(System.lineSeparator());
        }
        if (i.flops() != null) {
            TileFlops f = i.flops();
            out.append(String.format(Locale.ROOT, "    a tile: %.0f GFLOP (linear %.0f, attention %.0f, projector %.1f);"
                    + " GFLOP/s: Java %.0f, llama-mtmd-cli %s%s%n", f.total() / 1e9, f.linear() / 1e9,
                    f.attention() / 1e9, f.projector() / 1e9, f.gflops(i.encode().java().median()),
                    i.encode().llamaCpp() == null ? "-" : String.format(Locale.ROOT, "%.0f",
                            f.gflops(i.encode().llamaCpp().median())),
                    i.referenceEncode() == null ? "" : String.format(Locale.ROOT, ", reference %.0f",
                            f.gflops(i.referenceEncode().llamaCpp().median()))));
        }
        if (i.profile() != null && i.profile().nodes() > 0) {
            var p = i.profile();
            TileFlops f = i.flops();
            out.append(String.format(Locale.ROOT, "    one run, each encoder node timed alone (%d nodes, %.0f ms): linear %.0f ms%s,"
                    + " attention %.0f ms%s, rest %.0f ms%n", p.nodes(), p.totalMillis(), p.linearMillis(),
                    f == null ? "" : String.format(Locale.ROOT, " (%.0f GFLOP/s)", (f.linear() + f.projector()) / p.linearMillis() / 1e6),
                    p.attentionMillis(),
                    f == null ? "" : String.format(Locale.ROOT, " (%.0f GFLOP/s)", f.attention() / p.attentionMillis() / 1e6),
                    p.restMillis()));
        }
        comparison(out, i.firstToken());
        comparison(out, i.decode());
        out.append(String.format(Locale.ROOT, ROW, "answer loop + sampler", summary(i.answerLoop(), "t/s"),
                "(not timed by the tool)", "", "", "").stripTrailing()).append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, ROW, "heap B/token, answer", summary(i.bytesPerToken(), ""), "", "",
                Targets.HEAP_PER_TOKEN.description(), verdict(i.bytesPerToken() == null ? null
                        : Targets.HEAP_PER_TOKEN.met(i.bytesPerToken().median()))).stripTrailing())
                .append(System.lineSeparator());
    }

    /** The column headings, with the names of the two sides. */
    public static void header(StringBuilder out, String java, String other) {
        out.append(String.format(Locale.ROOT, ROW, "test", java, other, java + "/" + other, "target", ""));
    }

    /** One figure's line (and its Java-layer line when measured). */
    public static void comparison(StringBuilder out, Comparison c) {
        out.append(String.format(Locale.ROOT, ROW, c.test(), summary(c.java(), c.unit()),
                c.llamaCpp() == null ? "-" : summary(c.llamaCpp(), c.unit()),
                c.ratio() == null ? "-" : ratio(c.ratio()) + pairs(c.pairedRatio()),
                c.target() == null ? "" : c.target().description(), verdict(c.met())));
        LayerCost l = c.layer();
        if (l != null) {
            out.append(String.format(Locale.ROOT, ROW, "  Java layer", summary(l.overhead(), l.unit()),
                    "(llama.cpp's own timer)", String.format(Locale.ROOT, "%.2f%% of Java", 100 * l.share().median()),
                    "", "").stripTrailing()).append(System.lineSeparator());
        }
    }

    /** The spread of the per-pair ratios, which machine noise moves less than either side. */
    private static String pairs(Summary paired) {
        return paired == null || paired.count() < 2 ? "" : String.format(Locale.ROOT, " ±%.2f", paired.mad());
    }

    static String summary(Summary s, String unit) {
        if (s == null) {
            return "-";
        }
        String u = unit.isEmpty() ? "" : " " + unit;
        return s.count() == 1 ? number(s.median()) + u
                : String.format(Locale.ROOT, "%s ± %s [%s-%s]%s", number(s.median()), number(s.mad()),
                number(s.min()), number(s.max()), u);
    }

    /** Three significant digits or so, never exponents. */
    static String number(double v) {
        double a = Math.abs(v);
        String format = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 0.995 || a == 0 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, format, v);
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }

    private static String verdict(Boolean met) {
        return met == null ? "" : met ? "pass" : "MISS";
    }

    private static String abbreviate(String commit) {
        return commit == null ? "?" : commit.length() > 8 ? commit.substring(0, 8) : commit;
    }
}
