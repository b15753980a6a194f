package io.github.llamapanama.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parsers of llama.cpp's tools, on output captured from the b5582 (ea1431b) tools. */
class LlamaBenchParserTest {
    /** llama-bench -m tiny-qwen2-v1-F16.gguf -p 64 -n 0 -t 2 -r 2 -o json */
    static final String JSON = """
            [
              {
                "build_commit": "ea1431b",
                "build_number": 1,
                "cpu_info": "AMD EPYC",
                "gpu_info": "",
                "backends": "CPU",
                "model_filename": "/models/tiny-qwen2-v1-F16.gguf",
                "model_type": "qwen2 ?B F16",
                "model_size": 5531648,
                "model_n_params": 2761472,
                "n_batch": 2048,
                "n_ubatch": 512,
                "n_threads": 2,
                "cpu_mask": "0x0",
                "cpu_strict": false,
                "poll": 50,
                "type_k": "f16",
                "type_v": "f16",
                "n_gpu_layers": 99,
                "split_mode": "layer",
                "main_gpu": 0,
                "no_kv_offload": false,
                "flash_attn": false,
                "tensor_split": "0.00",
                "tensor_buft_overrides": "none",
                "defrag_thold": -1.000000,
                "use_mmap": true,
                "embeddings": false,
                "no_op_offload": 0,
                "n_prompt": 64,
                "n_gen": 0,
                "n_depth": 0,
                "test_time": "2026-11-27T00:01:44Z",
                "avg_ns": 17764433,
                "stddev_ns": 19931135,
                "avg_ts": 9721.451101,
                "stddev_ts": 10907.162542,
                "samples_ns": [ 31857874, 3670992 ],
                "samples_ts": [ 2008.92, 17434 ]
              }
            ]
            """;

    /** llama-bench -m tiny-qwen2-v1-F16.gguf -p 0 -n 16 -t 2 -r 2 -o jsonl */
    static final String JSONL = """
            {"build_commit": "ea1431b", "build_number": 1, "cpu_info": "AMD EPYC", "gpu_info": "", "backends": "CPU", \
            "model_filename": "/models/tiny-qwen2-v1-F16.gguf", "model_type": "qwen2 ?B F16", \
            "model_size": 5531648, "model_n_params": 2761472, "n_batch": 2048, "n_ubatch": 512, "n_threads": 2, \
            "cpu_mask": "0x0", "cpu_strict": false, "poll": 50, "type_k": "f16", "type_v": "f16", "n_gpu_layers": 99, \
            "split_mode": "layer", "main_gpu": 0, "no_kv_offload": false, "flash_attn": false, "tensor_split": "0.00", \
            "tensor_buft_overrides": "none", "defrag_thold": -1.000000, "use_mmap": true, "embeddings": false, \
            "no_op_offload": 0, "n_prompt": 0, "n_gen": 16, "n_depth": 0, "test_time": "2026-11-27T00:01:48Z", \
            "avg_ns": 3763897643, "stddev_ns": 3104963269, "avg_ts": 488.996580, "stddev_ts": 688.533185, \
            "samples_ns": [ 7511399543, 16395743 ],"samples_ts": [ 2.1301, 975.863 ]}
            """;

    /** llama-batched-bench -c 1024 -npp 16 -ntg 8 -npl 1,2,4,8 -t 2 --output-format jsonl (stdout) */
    static final String BATCHED = """
            {"n_kv_max": 1024, "n_batch": 2048, "n_ubatch": 512, "flash_attn": 0, "is_pp_shared": 0, "n_gpu_layers": -1, "n_threads": 2, "n_threads_batch": 2, "pp": 16, "tg": 8, "pl": 1, "n_kv": 24, "t_pp": 0.001735, "speed_pp": 9221.901367, "t_tg": 0.003529, "speed_tg": 2266.931152, "t": 0.005264, "speed": 4559.270508}
            {"n_kv_max": 1024, "n_batch": 2048, "n_ubatch": 512, "flash_attn": 0, "is_pp_shared": 0, "n_gpu_layers": -1, "n_threads": 2, "n_threads_batch": 2, "pp": 16, "tg": 8, "pl": 2, "n_kv": 48, "t_pp": 0.002351, "speed_pp": 13611.229492, "t_tg": 0.004776, "speed_tg": 3350.083740, "t": 0.007127, "speed": 6734.951660}
            {"n_kv_max": 1024, "n_batch": 2048, "n_ubatch": 512, "flash_attn": 0, "is_pp_shared": 0, "n_gpu_layers": -1, "n_threads": 2, "n_threads_batch": 2, "pp": 16, "tg": 8, "pl": 4, "n_kv": 96, "t_pp": 0.004014, "speed_pp": 15944.196289, "t_tg": 0.005532, "speed_tg": 5784.526367, "t": 0.009546, "speed": 10056.567383}
            {"n_kv_max": 1024, "n_batch": 2048, "n_ubatch": 512, "flash_attn": 0, "is_pp_shared": 0, "n_gpu_layers": -1, "n_threads": 2, "n_threads_batch": 2, "pp": 16, "tg": 8, "pl": 8, "n_kv": 192, "t_pp": 0.008455, "speed_pp": 15138.971680, "t_tg": 0.008947, "speed_tg": 7153.235840, "t": 0.017402, "speed": 11033.213867}



            """;

    @Test
    void readsAJsonArrayOfTests() {
        List<LlamaBenchResult> tests = LlamaBenchParser.parse(JSON);
        assertEquals(1, tests.size());
        LlamaBenchResult r = tests.getFirst();
        assertEquals("ea1431b", r.buildCommit());
        assertEquals("qwen2 ?B F16", r.modelType());
        assertEquals(64, r.nPrompt());
        assertEquals(0, r.nGen());
        assertEquals(2048, r.nBatch());
        assertEquals(512, r.nUbatch());
        assertEquals(2, r.nThreads());
        assertEquals("f16", r.typeK());
        assertEquals("f16", r.typeV());
        assertFalse(r.flashAttn());
        assertArrayEquals(new long[] {31857874, 3670992}, r.samplesNs());
        // llama-bench's own samples_ts, recomputed from the nanoseconds
        assertArrayEquals(new double[] {2008.92, 17434}, r.tokensPerSecond(), 0.05); // printed to 6 digits
    }

    @Test
    void readsJsonLinesToo() {
        LlamaBenchResult r = LlamaBenchParser.parse(JSONL).getFirst();
        assertEquals(0, r.nPrompt());
        assertEquals(16, r.nGen());
        assertArrayEquals(new double[] {2.1301, 975.863}, r.tokensPerSecond(), 0.001);
    }

    @Test
    void rejectsOtherOutput() {
        assertThrows(IllegalArgumentException.class, () -> LlamaBenchParser.parse(""));
        assertThrows(IllegalArgumentException.class, () -> LlamaBenchParser.parse("| model | size |"));
        assertThrows(IllegalArgumentException.class, () -> LlamaBenchParser.parse(JSON.replace("\"samples_ns\"", "\"x\"")));
    }

    @Test
    void readsBatchedBenchLinesAndSkipsTheRest() {
        List<BatchedBenchResult> rows = BatchedBenchParser.parse("main: some log line\n" + BATCHED);
        assertEquals(List.of(1, 2, 4, 8), rows.stream().map(BatchedBenchResult::pl).toList());
        BatchedBenchResult eight = rows.getLast();
        assertEquals(16, eight.pp());
        assertEquals(8, eight.tg());
        assertEquals(192, eight.nKv());
        assertEquals(2, eight.nThreads());
        assertEquals(0.008947, eight.generationSeconds(), 1e-9);
        assertEquals(7153.235840, eight.generationSpeed(), 1e-6);
        assertEquals(8 * 8 / 0.008947, eight.generationSpeed(), 1.0); // pl * tg / t_tg
        assertThrows(IllegalArgumentException.class, () -> BatchedBenchParser.parse("\n\n"));
    }

    @Test
    void toolArgumentsSpellOutTheContextSettingsTheJavaSideUses() {
        List<String> pp = LlamaBenchTool.arguments(Path.of("m.gguf"), 512, 0, 4, 1);
        assertEquals(List.of("-m", "m.gguf", "-p", "512", "-n", "0", "-t", "4", "-r", "1", "-fa", "0", "-o", "json",
                "-b", "2048", "-ub", "512", "-ctk", "f16", "-ctv", "f16"), pp);
        List<String> batched = BatchedBenchTool.arguments(Path.of("m.gguf"), 512, 32, 32, List.of(1, 2, 4, 8), 4);
        assertTrue(String.join(" ", batched).startsWith("-m m.gguf -c 512 -npp 32 -ntg 32 -npl 1,2,4,8 -t 4 --output-format jsonl"));
    }
}
