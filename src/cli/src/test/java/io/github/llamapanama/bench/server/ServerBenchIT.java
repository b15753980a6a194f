package io.github.llamapanama.bench.server;

import io.github.llamapanama.bench.Comparison;
import io.github.llamapanama.bench.NativeTools;
import io.github.llamapanama.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server benchmark end to end on the tiny fixtures, one rep: both servers come up, every
 * figure is measured on both, and the report names them. Speed is the benchmark's business.
 */
class ServerBenchIT {

    @Test
    void measuresEveryFigureOnBothServers() {
        Path llamaServer = NativeTools.staged().find("llama-server")
                .orElseThrow(() -> new AssertionError("build-native.sh stages llama-server with the tools"));
        ServerBenchSettings settings = new ServerBenchSettings(Fixtures.tinyQwen2(), Fixtures.tinyInternVlMmproj(), 2,
                2048, 2, 1, 16, List.of(1, 3), 1, 8, 600, llamaServer);
        ServerBenchReport report = new ServerBench(settings, io.github.llamapanama.cli.Main.class.getName(), line -> { }).run();

        List<String> tests = report.rows().stream().map(Comparison::test).toList();
        assertEquals(List.of("decode, non-streaming", "decode, streaming", "image chat, 2nd turn", "image, new chat",
                "1 clients, t/s", "1 clients, p50", "1 clients, p99", "3 clients, t/s", "3 clients, p50", "3 clients, p99",
                "stream gap, 600 prompt"), tests);
        for (Comparison c : report.rows()) {
            assertTrue(c.java().median() > 0 && c.llamaCpp().median() > 0, c.test() + ": " + c);
        }
        String table = report.table();
        assertTrue(table.contains("llama-panama/llama-server") && table.contains(">= 0.98x"), table);
        // The new chat's image came from the image cache, and the note says what its time is made of.
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("image, new chat: llama-panama encoded 0 of 1")
                && n.contains("llama-server's prompt")), report.notes().toString());
    }
}
