package io.github.llamapanama.server;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The server's metrics, in a Prometheus registry rendered by Prometheus' own text format writer
 * for {@code /metrics}. Three families:
 * <ul>
 * <li>{@code llama_*}: our counters and gauges (unlabelled, as before), latency and size
 *     histograms per request with a {@code model} label, KV-cache usage and a {@code llama_model_info};</li>
 * <li>{@code llamacpp:*}: llama-server's names and meanings, so its dashboards work unchanged;</li>
 * <li>{@code vllm:*}: vLLM's histograms and gauges (label {@code model_name}), for dashboards and
 *     autoscalers made for vLLM.</li>
 * </ul>
 * Counts are kept in adders the scheduler and HTTP threads update without locks; the registry
 * reads them through callbacks at each scrape.
 */
final class Metrics {
    /** vLLM's buckets for time to first token, in seconds. */
    static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
            5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    /** vLLM's buckets for the time between tokens, with finer ones below 10 ms for small models. */
    static final double[] TOKEN_BUCKETS = {0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3,
            0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
    /** vLLM's buckets for whole-request and queue times, with finer ones below 300 ms. */
    static final double[] REQUEST_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0,
            20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};
    /** Tokens per request. */
    static final double[] LENGTH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000,
            100000, 200000};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>(); // "endpoint\0status"
    final LongAdder promptTokens = new LongAdder();
    final LongAdder completionTokens = new LongAdder();
    final LongAdder promptCachedTokens = new LongAdder();
    final LongAdder promptCacheHits = new LongAdder();
    final LongAdder promptCacheMisses = new LongAdder();
    final LongAdder prefillTokens = new LongAdder();
    final LongAdder prefillSteps = new LongAdder();
    volatile ImageEmbeddingCache imageCache; // set by the scheduler
    volatile MediaEncoder encoder;           // null: text only
    volatile RequestDeadlines deadlines;      // set by the server
    volatile java.util.function.BooleanSupplier draining = () -> false; // set by the server
    final LongAdder decodeSteps = new LongAdder();
    final LongAdder batchSequences = new LongAdder(); // sequences summed over steps
    final LongAdder kvCompactions = new LongAdder();
    final AtomicLong decodeNanos = new AtomicLong();
    final AtomicLong maxBatchSequences = new AtomicLong();
    final AtomicLong maxSequenceTokens = new AtomicLong(); // prompt + answer of the longest request
    private final AtomicLong promptMicros = new AtomicLong();     // of finished requests
    private final AtomicLong generationMicros = new AtomicLong(); // of finished requests
    private final IntSupplier queueDepth;
    private final IntSupplier activeSlots;
    private volatile LongSupplier kvTokens = () -> 0;
    private final int slots;
    private final long kvCapacity;
    private final String model;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final DistributionDataPoint ttft;
    private final DistributionDataPoint timePerOutputToken;
    private final DistributionDataPoint e2e;
    private final DistributionDataPoint queueTime;
    private final DistributionDataPoint requestPromptTokens;
    private final DistributionDataPoint requestGenerationTokens;
    private final DistributionDataPoint vllmTtft;
    private final DistributionDataPoint vllmInterToken;
    private final DistributionDataPoint vllmTimePerOutputToken;
    private final DistributionDataPoint vllmE2e;
    private final DistributionDataPoint vllmQueueTime;
    private final DistributionDataPoint vllmPromptTokens;
    private final DistributionDataPoint vllmGenerationTokens;

    Metrics(IntSupplier queueDepth, IntSupplier activeSlots, int slots) {
        this(queueDepth, activeSlots, slots, 0, "model");
    }

    /**
     * @param kvCapacity cells of the KV cache (slots times their size), for the usage ratio
     * @param model      the model name of the labels
     */
    Metrics(IntSupplier queueDepth, IntSupplier activeSlots, int slots, long kvCapacity, String model) {
        this.queueDepth = queueDepth;
        this.activeSlots = activeSlots;
        this.slots = slots;
        this.kvCapacity = kvCapacity;
        this.model = model;
        registerOwn();
        registerLlamaCpp();
        ttft = histogram("llama_time_to_first_token_seconds",
                "Time from a request's arrival (its headers read) to its first generated token.", TTFT_BUCKETS, "model");
        timePerOutputToken = histogram("llama_time_per_output_token_seconds",
                "Mean time between a request's generated tokens (requests of two tokens or more).", TOKEN_BUCKETS, "model");
        e2e = histogram("llama_e2e_request_latency_seconds",
                "Time from a request's arrival to its last token.", REQUEST_BUCKETS, "model");
        queueTime = histogram("llama_request_queue_time_seconds",
                "Time a request waited for a slot.", REQUEST_BUCKETS, "model");
        requestPromptTokens = histogram("llama_request_prompt_tokens",
                "Prompt tokens per request (evaluated and reused from the KV cache).", LENGTH_BUCKETS, "model");
        requestGenerationTokens = histogram("llama_request_generation_tokens",
                "Generated tokens per request.", LENGTH_BUCKETS, "model");
        vllmTtft = histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
                TTFT_BUCKETS, "model_name");
        vllmInterToken = histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
                TOKEN_BUCKETS, "model_name");
        vllmTimePerOutputToken = histogram("vllm:request_time_per_output_token_seconds",
                "Histogram of time_per_output_token_seconds per request.", TOKEN_BUCKETS, "model_name");
        vllmE2e = histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.",
                REQUEST_BUCKETS, "model_name");
        vllmQueueTime = histogram("vllm:request_queue_time_seconds",
                "Histogram of time spent in WAITING phase for request.", REQUEST_BUCKETS, "model_name");
        vllmPromptTokens = histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.",
                LENGTH_BUCKETS, "model_name");
        vllmGenerationTokens = histogram("vllm:request_generation_tokens", "Number of generation tokens processed.",
                LENGTH_BUCKETS, "model_name");
        registerVllm();
    }

    private DistributionDataPoint histogram(String name, String help, double[] buckets, String label) {
        return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(buckets)
                .labelNames(label).register(registry).labelValues(model);
    }

    private void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    private void labelledGauge(String name, String help, String label, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(cb -> cb.call(value.getAsDouble(), model)).register(registry);
    }

    private void registerOwn() {
        CounterWithCallback.builder().name("llama_requests_total").help("HTTP requests by endpoint and status.")
                .labelNames("endpoint", "status").callback(cb -> requests.forEach((k, v) -> {
                    String[] parts = k.split("\0", 2);
                    cb.call(v.sum(), parts[0], parts[1]);
                })).register(registry);
        CounterWithCallback.builder().name("llama_http_request_timeouts_total")
                .help("Connections closed for sending their request headers or body too slowly.").labelNames("phase")
                .callback(cb -> {
                    RequestDeadlines d = deadlines;
                    cb.call(d == null ? 0 : d.headerTimeouts.sum(), "headers");
                    cb.call(d == null ? 0 : d.bodyTimeouts.sum(), "body");
                }).register(registry);
        counter("llama_prompt_tokens_total", "Prompt tokens evaluated (of finished requests; cached ones not).",
                promptTokens::sum);
        counter("llama_prompt_tokens_cached_total", "Prompt tokens reused from a slot's KV cache, not evaluated.",
                promptCachedTokens::sum);
        counter("llama_prompt_cache_hits_total", "Requests that reused part of a slot's KV cache.", promptCacheHits::sum);
        counter("llama_prompt_cache_misses_total", "Requests that evaluated their whole prompt.", promptCacheMisses::sum);
        counter("llama_prefill_tokens_total", "Prompt tokens and image embeddings evaluated by steps so far.",
                prefillTokens::sum);
        counter("llama_prefill_steps_total", "Steps that evaluated part of a prompt.", prefillSteps::sum);
        counter("llama_image_cache_hits_total", "Images whose embeddings came from the image cache.",
                () -> imageCache == null ? 0 : imageCache.hits());
        counter("llama_image_cache_misses_total", "Image cache look-ups that found nothing.",
                () -> imageCache == null ? 0 : imageCache.misses());
        counter("llama_image_cache_evictions_total", "Images dropped from the image cache for room.",
                () -> imageCache == null ? 0 : imageCache.evictions());
        gauge("llama_image_cache_bytes", "Bytes of embeddings in the image cache.",
                () -> imageCache == null ? 0 : imageCache.bytes());
        gauge("llama_image_cache_entries", "Images (tiles) in the image cache.",
                () -> imageCache == null ? 0 : imageCache.size());
        gauge("llama_image_cache_capacity_bytes", "Size bound of the image cache.",
                () -> imageCache == null ? 0 : imageCache.capacityBytes());
        counter("llama_images_encoded_total", "Images (tiles) run through the vision encoder.",
                () -> encoder == null ? 0 : encoder.encoded.sum());
        counter("llama_image_encode_seconds_total", "Time the vision encoder spent on them.",
                () -> encoder == null ? 0 : encoder.encodeNanos.get() / 1e9);
        counter("llama_completion_tokens_total", "Tokens generated.", completionTokens::sum);
        counter("llama_decode_steps_total", "Batched decode steps.", decodeSteps::sum);
        counter("llama_kv_compactions_total", "KV cache compactions while idle.", kvCompactions::sum);
        gauge("llama_queue_depth", "Requests waiting for a slot.", queueDepth::getAsInt);
        gauge("llama_slots_active", "Slots generating now.", activeSlots::getAsInt);
        // A constant: the client library allows the _total suffix on counters only, so it is one.
        counter("llama_slots_total", "Slots (parallel sequences).", () -> slots);
        gauge("llama_batch_sequences_max", "Most sequences ever decoded in one batch.", maxBatchSequences::get);
        gauge("llama_tokens_per_second", "Generated tokens per second of decoding.", () -> {
            double seconds = decodeNanos.get() / 1e9;
            return seconds <= 0 ? 0 : completionTokens.sum() / seconds;
        });
        labelledGauge("llama_kv_cache_usage_ratio", "Cells of the KV cache in use (running and cached prompts), 0 to 1.",
                "model", this::kvUsage);
        labelledGauge("llama_kv_cache_tokens", "Tokens the KV cache holds.", "model", () -> kvTokens.getAsLong());
        gauge("llama_draining", "1 while the server shuts down gracefully (new requests get 503), else 0.",
                () -> draining.getAsBoolean() ? 1 : 0);
        Info.builder().name("llama_model").help("The model served.").labelNames("model").register(registry)
                .addLabelValues(model);
    }

    private void registerLlamaCpp() {
        counter("llamacpp:prompt_tokens_total", "Number of prompt tokens processed.", promptTokens::sum);
        counter("llamacpp:prompt_seconds_total", "Prompt process time", () -> promptMicros.get() / 1e6);
        counter("llamacpp:tokens_predicted_total", "Number of generation tokens processed.", completionTokens::sum);
        counter("llamacpp:tokens_predicted_seconds_total", "Predict process time", () -> generationMicros.get() / 1e6);
        counter("llamacpp:n_decode_total", "Total number of llama_decode() calls", decodeSteps::sum);
        gauge("llamacpp:n_tokens_max", "Largest observed n_tokens.", maxSequenceTokens::get);
        gauge("llamacpp:n_busy_slots_per_decode", "Average number of busy slots per llama_decode() call", () -> {
            long steps = decodeSteps.sum();
            return steps == 0 ? 0 : (double) batchSequences.sum() / steps;
        });
        gauge("llamacpp:prompt_tokens_seconds", "Average prompt throughput in tokens/s.", () -> {
            long us = promptMicros.get();
            return us <= 0 ? 0 : promptTokens.sum() * 1e6 / us;
        });
        gauge("llamacpp:predicted_tokens_seconds", "Average generation throughput in tokens/s.", () -> {
            long us = generationMicros.get();
            return us <= 0 ? 0 : completionTokens.sum() * 1e6 / us;
        });
        gauge("llamacpp:kv_cache_usage_ratio", "KV-cache usage. 1 means 100 percent usage.", this::kvUsage);
        gauge("llamacpp:kv_cache_tokens", "KV-cache tokens.", () -> kvTokens.getAsLong());
        gauge("llamacpp:requests_processing", "Number of requests processing.", activeSlots::getAsInt);
        gauge("llamacpp:requests_deferred", "Number of requests deferred.", queueDepth::getAsInt);
    }

    private void registerVllm() {
        labelledGauge("vllm:num_requests_running", "Number of requests in model execution batches.", "model_name",
                activeSlots::getAsInt);
        labelledGauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", "model_name",
                queueDepth::getAsInt);
        labelledGauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", "model_name",
                this::kvUsage);
        CounterWithCallback.builder().name("vllm:prompt_tokens_total").help("Number of prefill tokens processed.")
                .labelNames("model_name").callback(cb -> cb.call(promptTokens.sum() + promptCachedTokens.sum(), model))
                .register(registry);
        CounterWithCallback.builder().name("vllm:generation_tokens_total").help("Number of generation tokens processed.")
                .labelNames("model_name").callback(cb -> cb.call(completionTokens.sum(), model)).register(registry);
    }

    private double kvUsage() {
        return kvCapacity <= 0 ? 0 : Math.min(1.0, (double) kvTokens.getAsLong() / kvCapacity);
    }

    /** Where the KV cache's tokens are counted (the scheduler's batch). */
    void kvTokens(LongSupplier tokens) {
        kvTokens = tokens;
    }

    void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + '\0' + status, k -> new LongAdder()).increment();
    }

    /** One KV cache compaction while the scheduler was idle. */
    void compacted() {
        kvCompactions.increment();
    }

    /** One step that advanced {@code sequences} slots, read {@code prefill} prompt tokens and took {@code nanos}. */
    void step(int sequences, long nanos, int prefill) {
        if (prefill > 0) {
            prefillTokens.add(prefill);
            prefillSteps.increment();
        }
        decodeSteps.increment();
        batchSequences.add(sequences);
        decodeNanos.addAndGet(nanos);
        maxBatchSequences.accumulateAndGet(sequences, Math::max);
    }

    /** The gap between two tokens of one request. */
    void interToken(long nanos) {
        vllmInterToken.observe(nanos / 1e9);
    }

    /**
     * A finished request (one choice) and its times, in {@link System#nanoTime()}: arrival, admission
     * into a slot, first and last token (0 when none).
     */
    void finished(long arrived, long admitted, long firstToken, long lastToken, long end, int prompt, int cached,
                  int generated, double promptMillis, double generationMillis) {
        promptMicros.addAndGet(Math.round(promptMillis * 1000));
        generationMicros.addAndGet(Math.round(generationMillis * 1000));
        maxSequenceTokens.accumulateAndGet((long) prompt + cached + generated, Math::max);
        if (admitted != 0) {
            double queued = Math.max(0, admitted - arrived) / 1e9;
            queueTime.observe(queued);
            vllmQueueTime.observe(queued);
        }
        if (firstToken != 0) {
            double first = (firstToken - arrived) / 1e9;
            ttft.observe(first);
            vllmTtft.observe(first);
            if (generated > 1 && lastToken > firstToken) {
                double perToken = (lastToken - firstToken) / 1e9 / (generated - 1);
                timePerOutputToken.observe(perToken);
                vllmTimePerOutputToken.observe(perToken);
            }
        }
        double whole = (end - arrived) / 1e9;
        e2e.observe(whole);
        vllmE2e.observe(whole);
        requestPromptTokens.observe(prompt + cached);
        vllmPromptTokens.observe(prompt + cached);
        requestGenerationTokens.observe(generated);
        vllmGenerationTokens.observe(generated);
    }

    /** Prometheus' text format, version 0.0.4. */
    String render() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 10);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
