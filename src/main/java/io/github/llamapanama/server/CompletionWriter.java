package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.generation.FinishReason;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.vision.VisionException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

/**
 * Queues a job and answers with its result: one JSON response, or (stream) server-sent events
 * of chunks ending with {@code data: [DONE]}. Chat and text completions differ only in shape.
 * A failed write means the client left: the job is cancelled so its slot frees at the next step.
 */
final class CompletionWriter {
    private final Engine engine;
    private final boolean chat;

    CompletionWriter(Engine engine, boolean chat) {
        this.engine = engine;
        this.chat = chat;
    }

    void respond(Exchange ex, Job job, GenerationRequest request) throws IOException {
        if (!engine.scheduler.submit(job)) {
            job.release();
            throw new ApiException(503, "server_error", "the server is busy: all " + engine.config.parallel()
                    + " slots are generating and " + engine.config.queueSize() + " requests wait; retry later",
                    null, "queue_full");
        }
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        try {
            Job.Event first = take(job);
            if (first instanceof Job.Failed f) {
                throw failure(f.error());
            }
            if (!request.stream()) {
                Job.Event e = first;
                while (!(e instanceof Job.Done) && !(e instanceof Job.Failed)) {
                    e = take(job);
                }
                if (e instanceof Job.Failed f) {
                    throw failure(f.error());
                }
                ex.sendJson(200, whole(id, created, ((Job.Done) e).result()));
                return;
            }
            OutputStream out = ex.startEvents();
            if (chat) {
                ObjectNode delta = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", "");
                Exchange.event(out, chunk(id, created, delta, null, null).toString());
            }
            for (Job.Event e = first; ; e = take(job)) {
                switch (e) {
                    case Job.Piece p -> Exchange.event(out, chunk(id, created, null, p.text(), null).toString());
                    case Job.Done d -> {
                        GenerationResult r = d.result();
                        ObjectNode last = chunk(id, created, null, null, finishReason(r.finishReason()));
                        last.set("timings", timings(r)); // as llama-server's last chunk
                        Exchange.event(out, last.toString());
                        if (request.includeUsage()) {
                            ObjectNode u = base(id, created, true);
                            u.putArray("choices");
                            u.set("usage", usage(r));
                            Exchange.event(out, u.toString());
                        }
                        Exchange.event(out, "[DONE]");
                        out.close();
                        return;
                    }
                    case Job.Failed f -> { // headers are sent: report in-band, as OpenAI's streams do
                        Exchange.event(out, ErrorBody.of(failure(f.error())).toString());
                        Exchange.event(out, "[DONE]");
                        out.close();
                        return;
                    }
                }
            }
        } finally {
            job.cancel(); // a no-op once finished; frees the slot if this thread leaves early
        }
    }

    private static Job.Event take(Job job) throws IOException {
        try {
            return job.events.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static ApiException failure(RuntimeException e) {
        if (e instanceof ApiException a) {
            return a;
        }
        if (e instanceof ContextFullException) {
            return ApiException.invalid(e.getMessage(), "messages", "context_length_exceeded");
        }
        if (e instanceof VisionException) {
            return ApiException.invalid(e.getMessage(), "messages", "invalid_image");
        }
        if (e instanceof IllegalStateException) {
            return new ApiException(503, "server_error", e.getMessage(), null, "unavailable");
        }
        return new ApiException(500, "server_error", "generation failed: " + e.getMessage(), null, null);
    }

    static String finishReason(FinishReason r) {
        return switch (r) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            default -> "stop";
        };
    }

    private ObjectNode base(String id, long created, boolean stream) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", id);
        n.put("object", chat ? (stream ? "chat.completion.chunk" : "chat.completion") : "text_completion");
        n.put("created", created);
        n.put("model", engine.config.modelName());
        return n;
    }

    private ObjectNode whole(String id, long created, GenerationResult r) {
        ObjectNode n = base(id, created, false);
        ObjectNode choice = n.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            choice.putObject("message").put("role", "assistant").put("content", r.text());
        } else {
            choice.put("text", r.text());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(r.finishReason()));
        n.set("usage", usage(r));
        n.set("timings", timings(r));
        return n;
    }

    /** A stream chunk: a role delta, a text piece, or the final one with its finish reason. */
    private ObjectNode chunk(String id, long created, ObjectNode delta, String text, String finish) {
        ObjectNode n = base(id, created, true);
        ObjectNode choice = n.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode d = delta != null ? delta : Json.MAPPER.createObjectNode();
            if (text != null) {
                d.put("content", text);
            }
            choice.set("delta", d);
        } else {
            choice.put("text", text == null ? "" : text);
        }
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return n;
    }

    /**
     * llama-server's {@code timings}: prompt_n counts the prompt tokens evaluated for this
     * request, cache_n those reused from the slot's KV cache (usage counts both).
     */
    static ObjectNode timings(GenerationResult r) {
        var s = r.stats();
        ObjectNode t = Json.MAPPER.createObjectNode();
        t.put("cache_n", s.cachedTokens());
        t.put("prompt_n", s.promptTokens());
        t.put("prompt_ms", s.promptMillis());
        t.put("prompt_per_token_ms", s.promptTokens() == 0 ? 0 : s.promptMillis() / s.promptTokens());
        t.put("prompt_per_second", s.promptTokensPerSecond());
        t.put("predicted_n", s.generatedTokens());
        t.put("predicted_ms", s.generationMillis());
        t.put("predicted_per_token_ms", s.generatedTokens() == 0 ? 0 : s.generationMillis() / s.generatedTokens());
        t.put("predicted_per_second", s.generationTokensPerSecond());
        return t;
    }

    private static ObjectNode usage(GenerationResult r) {
        int prompt = r.stats().promptTokens() + r.stats().cachedTokens();
        int completion = r.stats().generatedTokens();
        return Json.MAPPER.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }
}
