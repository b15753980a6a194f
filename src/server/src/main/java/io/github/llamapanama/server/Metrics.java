package io.github.llamapanama.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** Counters and gauges of the server, rendered in Prometheus' text format for {@code /metrics}. */
final class Metrics {
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
    final LongAdder decodeSteps = new LongAdder();
    final LongAdder kvCompactions = new LongAdder();
    final AtomicLong decodeNanos = new AtomicLong();
    final AtomicLong maxBatchSequences = new AtomicLong();
    private final IntSupplier queueDepth;
    private final IntSupplier activeSlots;
    private final int slots;

    Metrics(IntSupplier queueDepth, IntSupplier activeSlots, int slots) {
        this.queueDepth = queueDepth;
        this.activeSlots = activeSlots;
        this.slots = slots;
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
        decodeNanos.addAndGet(nanos);
        maxBatchSequences.accumulateAndGet(sequences, Math::max);
    }

    String render() {
        StringBuilder out = new StringBuilder(1024);
        out.append("# HELP llama_requests_total HTTP requests by endpoint and status.\n");
        out.append("# TYPE llama_requests_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
            String[] k = e.getKey().split("\0", 2);
            out.append("llama_requests_total{endpoint=\"").append(escape(k[0])).append("\",status=\"").append(k[1])
                    .append("\"} ").append(e.getValue().sum()).append('\n');
        }
        RequestDeadlines d = deadlines;
        if (d != null) {
            out.append("# HELP llama_http_request_timeouts_total Connections closed for sending their request too slowly.\n");
            out.append("# TYPE llama_http_request_timeouts_total counter\n");
            out.append("llama_http_request_timeouts_total{phase=\"headers\"} ").append(d.headerTimeouts.sum()).append('\n');
            out.append("llama_http_request_timeouts_total{phase=\"body\"} ").append(d.bodyTimeouts.sum()).append('\n');
        }
        counter(out, "llama_prompt_tokens_total", "Prompt tokens evaluated (of finished requests; cached ones not).",
                promptTokens.sum());
        counter(out, "llama_prompt_tokens_cached_total", "Prompt tokens reused from a slot's KV cache, not evaluated.",
                promptCachedTokens.sum());
        counter(out, "llama_prompt_cache_hits_total", "Requests that reused part of a slot's KV cache.",
                promptCacheHits.sum());
        counter(out, "llama_prompt_cache_misses_total", "Requests that evaluated their whole prompt.",
                promptCacheMisses.sum());
        counter(out, "llama_prefill_tokens_total", "Prompt tokens and image embeddings evaluated by steps so far.",
                prefillTokens.sum());
        counter(out, "llama_prefill_steps_total", "Steps that evaluated part of a prompt.", prefillSteps.sum());
        ImageEmbeddingCache images = imageCache;
        if (images != null) {
            counter(out, "llama_image_cache_hits_total", "Images whose embeddings came from the image cache.",
                    images.hits());
            counter(out, "llama_image_cache_misses_total", "Image cache look-ups that found nothing.", images.misses());
            counter(out, "llama_image_cache_evictions_total", "Images dropped from the image cache for room.",
                    images.evictions());
            gauge(out, "llama_image_cache_bytes", "Bytes of embeddings in the image cache.", images.bytes());
            gauge(out, "llama_image_cache_entries", "Images (tiles) in the image cache.", images.size());
            gauge(out, "llama_image_cache_capacity_bytes", "Size bound of the image cache.", images.capacityBytes());
        }
        MediaEncoder enc = encoder;
        counter(out, "llama_images_encoded_total", "Images (tiles) run through the vision encoder.",
                enc == null ? 0 : enc.encoded.sum());
        counter(out, "llama_image_encode_seconds_total", "Time the vision encoder spent on them.",
                String.format(java.util.Locale.ROOT, "%.6f", enc == null ? 0 : enc.encodeNanos.get() / 1e9));
        counter(out, "llama_completion_tokens_total", "Tokens generated.", completionTokens.sum());
        counter(out, "llama_decode_steps_total", "Batched decode steps.", decodeSteps.sum());
        counter(out, "llama_kv_compactions_total", "KV cache compactions while idle.", kvCompactions.sum());
        gauge(out, "llama_queue_depth", "Requests waiting for a slot.", queueDepth.getAsInt());
        gauge(out, "llama_slots_active", "Slots generating now.", activeSlots.getAsInt());
        gauge(out, "llama_slots_total", "Slots (parallel sequences).", slots);
        gauge(out, "llama_batch_sequences_max", "Most sequences ever decoded in one batch.", maxBatchSequences.get());
        double seconds = decodeNanos.get() / 1e9;
        double tps = seconds <= 0 ? 0 : completionTokens.sum() / seconds;
        out.append("# HELP llama_tokens_per_second Generated tokens per second of decoding.\n");
        out.append("# TYPE llama_tokens_per_second gauge\n");
        out.append("llama_tokens_per_second ").append(String.format(java.util.Locale.ROOT, "%.3f", tps)).append('\n');
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        counter(out, name, help, Long.toString(value));
    }

    private static void counter(StringBuilder out, String name, String help, String value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
