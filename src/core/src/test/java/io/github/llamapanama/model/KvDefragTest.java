package io.github.llamapanama.model;

import io.github.llamapanama.Llama;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.internal.ffm.llama_context_params;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KV cache defragmentation (defrag_thold): on by default as in llama.cpp's tools, it reaches
 * llama.cpp, compacts a cache that a finished sequence left full of holes, and the sequence that
 * goes on decoding answers as it does in an uncompacted cache.
 */
class KvDefragTest {
    private static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(Fixtures.tinyQwen2());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theDefaultIsLlamaCppToolsThresholdAndItReachesTheNativeParams() {
        assertEquals(0.1f, ContextParams.defaults().defragThreshold());
        try (Arena arena = Arena.ofConfined()) {
            var p = ContextParams.builder().defragThreshold(0.25f).build().toNative(arena);
            assertEquals(0.25f, llama_context_params.defrag_thold(p));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ContextParams.builder().defragThreshold(Float.NaN).build());
        assertTrue(e.getMessage().contains("defragThreshold"), e.getMessage());
    }

    @Test
    void aCacheFullOfHolesIsCompactedAndTheRunningSequenceAnswersTheSame() {
        List<String> debug = new ArrayList<>();
        Logger jul = Logger.getLogger("io.github.llamapanama.native");
        Handler handler = new Handler() {
            @Override public void publish(LogRecord r) { synchronized (debug) { debug.add(r.getMessage()); } }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Level julLevel = jul.getLevel();
        System.Logger.Level bridgeLevel = io.github.llamapanama.internal.LogBridge.level();
        jul.setLevel(Level.ALL);
        jul.addHandler(handler);
        Llama.setLogLevel(System.Logger.Level.DEBUG);
        float[] compacted;
        int[] compactedTokens = new int[12];
        try {
            compacted = afterHoles(0.05f, compactedTokens);
        } finally {
            Llama.setLogLevel(bridgeLevel);
            jul.removeHandler(handler);
            jul.setLevel(julLevel);
        }
        synchronized (debug) {
            assertTrue(debug.stream().anyMatch(m -> m.contains("requesting defrag")),
                    "llama.cpp never scheduled a defragmentation; its debug log: " + debug.size() + " lines");
        }
        int[] plainTokens = new int[12];
        float[] plain = afterHoles(-1f, plainTokens);
        assertArrayEquals(plainTokens, compactedTokens, "greedy tokens after the compaction");
        float worst = 0;
        for (int i = 0; i < plain.length; i++) {
            worst = Math.max(worst, Math.abs(plain[i] - compacted[i]));
        }
        assertTrue(worst < 1e-2f, "logits moved by " + worst + " (only the grouping of the f16 attention sums may differ)");
    }

    /**
     * Two sequences of 1,100 tokens each fill 2,200 cells; the first is removed, leaving half the
     * cache as holes below the second; the second then decodes greedily. Returns the last logits
     * and writes the tokens.
     */
    private static float[] afterHoles(float threshold, int[] tokens) {
        ContextParams params = ContextParams.builder().contextSize(4096).maxSequences(2).batchSize(512)
                .defragThreshold(threshold).build();
        int[] text = model.vocab().tokenize("The quick brown fox jumps over the lazy dog near the river bank. ",
                false, false);
        try (Context ctx = model.newContext(params); Batch batch = Batch.ofTokens(512, 1)) {
            int n = 1100;
            for (int seq = 0; seq < 2; seq++) {
                for (int at = 0; at < n; at += 512) {
                    batch.clear();
                    for (int k = at; k < Math.min(n, at + 512); k++) {
                        batch.add(text[k % text.length], k, seq, seq == 1 && k == n - 1);
                    }
                    ctx.decode(batch);
                }
            }
            assertTrue(ctx.kvCache().remove(0, -1, -1));
            int last = (n - 1) % 512; // the batch index of the prompt's last token
            float[] logits = null;
            for (int i = 0; i < tokens.length; i++) {
                logits = ctx.logits(last).toArray(ValueLayout.JAVA_FLOAT);
                int best = 0;
                for (int t = 1; t < logits.length; t++) {
                    if (logits[t] > logits[best]) {
                        best = t;
                    }
                }
                tokens[i] = best;
                batch.clear().add(best, n + i, 1, true);
                ctx.decode(batch);
                last = 0;
            }
            return logits;
        }
    }
}
