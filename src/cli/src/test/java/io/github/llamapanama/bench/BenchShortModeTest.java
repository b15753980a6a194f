package io.github.llamapanama.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.fixtures.LlamaTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short (CI) mode end to end on the tiny model, one repetition, against llama.cpp's tools:
 * the report must be complete and well formed. Timings are never asserted.
 */
class BenchShortModeTest {
    private static BenchReport report;

    @BeforeAll
    static void runShortMode() {
        LlamaTools.tool("llama-bench"); // fails with a clear message if the tools were not built
        LlamaTools.tool("llama-batched-bench");
        LlamaTools.tool("llama-mtmd-cli");
        BenchSettings settings = BenchSettings.quick(List.of(Fixtures.tinyQwen2())).withReps(1)
                .withTools(new NativeTools(LlamaTools.directory()))
                .withImage(new ImageSettings(Fixtures.tinyInternVlMmproj(), null, ImageSettings.DEFAULT_PROMPT,
                        ImageSettings.SHORT_GEN));
        report = new BenchRunner(settings, line -> { }).run();
    }

    @Test
    void everySectionHasPositiveFiguresAndRatios() {
        assertTrue(report.shortMode());
        assertEquals(1, report.reps());
        assertEquals(1, report.models().size());
        ModelReport m = report.models().getFirst();
        assertEquals(List.of(), m.notes(), "no tool should fail");
        assertTrue(m.description().startsWith("qwen2"), m.description());
        assertTrue(m.sizeBytes() > 0 && m.parameters() > 0);

        comparison(m.prefill(), "pp" + BenchSettings.SHORT_PROMPT);
        comparison(m.decode(), "tg" + BenchSettings.SHORT_GEN);
        comparison(m.threads(), "tg" + BenchSettings.SHORT_GEN + " + greedy, load on another thread");

        SamplingFigure s = m.sampling();
        assertTrue(s.java().median() > 0);
        assertTrue(s.ratioToJavaDecode() > 0);
        assertTrue(s.ratioToNativeDecode() > 0);

        BatchSection b = m.batch();
        assertEquals(BenchSettings.DEFAULT_BATCH_SIZES, b.rows().stream().map(BatchRow::sequences).toList());
        for (BatchRow row : b.rows()) {
            comparison(row.throughput(), "tg" + BenchSettings.SHORT_BATCH_GEN + " x " + row.sequences() + " seq");
        }
        assertTrue(b.javaScaling() > 0);
        assertTrue(b.nativeScaling() > 0);
        assertNotNull(b.met());

        HeapSection h = m.heap();
        assertTrue(h.decodeBytesPerToken().min() >= 0);
        assertTrue(h.generationBytesPerToken().min() >= 0);
        assertTrue(h.generationBytesPerRun().min() > 0, "a generation returns a result object");
        assertTrue(h.batchBytesPerToken().min() >= 0);
        assertTrue(h.decodeCollections() >= 0 && h.generationCollections() >= 0);
        assertNotNull(h.met());

        ImageSection i = m.image();
        assertEquals(BenchImage.DESCRIPTION, i.image());
        assertEquals(Fixtures.imageTokens(), i.imageTokens());
        assertTrue(i.promptTokens() > i.imageTokens(), "the chat template's text around the image");
        assertEquals(ImageSettings.SHORT_GEN, i.answerTokens());
        comparison(i.encode(), "encode");
        comparison(i.firstToken(), "image to first token");
        comparison(i.decode(), "decode after image");
        assertTrue(i.answerLoop().median() > 0);
        assertTrue(i.bytesPerToken().min() >= 0);
    }

    private static void comparison(Comparison c, String test) {
        assertEquals(test, c.test());
        assertEquals(1, c.java().count());
        assertTrue(c.java().median() > 0, test + " Java");
        assertNotNull(c.llamaCpp(), test + " native");
        assertTrue(c.llamaCpp().median() > 0, test + " native");
        assertTrue(c.ratio() > 0, test + " ratio");
        assertEquals(c.ratio(), c.pairedRatio().median(), 1e-9, "one pair: both ratios agree");
        if (c.target() != null) {
            assertNotNull(c.met());
        }
        // encode: one native call, nothing of Java's inside it; the thread row compares Java with Java
        if (!test.equals("encode") && !test.endsWith("load on another thread")) {
            LayerCost layer = c.layer();
            assertNotNull(layer, test + ": the Java layer's cost");
            assertEquals(1, layer.overhead().count());
            assertTrue(layer.share().median() < 1, test + ": llama.cpp's own time is part of the Java run's");
        }
    }

    @Test
    void tableNamesEverySectionAndEachTargetVerdict() {
        String table = TableReport.render(report);
        for (String expected : List.of("short mode", "tiny-qwen2-v1-F16.gguf", "pp" + BenchSettings.SHORT_PROMPT,
                "tg" + BenchSettings.SHORT_GEN + " + greedy", "batch:", "x 8 seq", "scaling 8 / 1 seq",
                "heap B/token, tg", "heap B/token, greedy", "GC during timed decoding", ">= 0.99x", ">= 4x",
                "<= 1 B/token", "image: " + BenchImage.DESCRIPTION, "encode", "image to first token", "<= 1.02x",
                "decode after image", "answer loop + sampler", "Java layer", "(llama.cpp's own timer)",
                "load on another thread", ">= 0.98x")) {
            assertTrue(table.contains(expected), () -> "missing '" + expected + "' in\n" + table);
        }
        assertTrue(table.contains("pass") || table.contains("MISS"));
    }

    @Test
    void jsonCarriesTheSameFigures() throws Exception {
        JsonNode root = new ObjectMapper().readTree(JsonReport.render(report));
        assertEquals(report.threads(), root.get("threads").asInt());
        JsonNode m = root.get("models").get(0);
        for (String section : List.of("prefill", "decode", "sampling", "batch", "heap", "image")) {
            assertTrue(m.hasNonNull(section), section);
        }
        JsonNode prefill = m.get("prefill");
        assertEquals(report.models().getFirst().prefill().ratio(), prefill.get("ratio").asDouble(), 1e-12);
        assertTrue(prefill.get("java").get("median").asDouble() > 0);
        assertTrue(prefill.get("llamaCpp").get("samples").get(0).asDouble() > 0);
        assertEquals(">= 0.99x", prefill.get("target").get("description").asText());
        assertTrue(prefill.get("met").isBoolean());
        assertEquals(4, m.get("batch").get("rows").size());
        assertTrue(m.get("batch").get("rows").get(3).get("throughput").get("ratio").asDouble() > 0);
        assertTrue(m.get("heap").get("decodeBytesPerToken").get("median").isNumber());
        assertTrue(m.get("image").get("firstToken").get("llamaCpp").get("median").asDouble() > 0);
    }
}
