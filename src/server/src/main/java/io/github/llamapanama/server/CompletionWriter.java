package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.chat.ToolCall;
import io.github.llamapanama.chat.ToolCallStream;
import io.github.llamapanama.chat.ToolSpec;
import io.github.llamapanama.generation.FinishReason;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.TokenLogprob;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.vision.VisionException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Queues a request's jobs (one per choice, {@code n} of them) and answers with their results:
 * one JSON response, or (stream) server-sent events of chunks ending with {@code data: [DONE]}.
 * Chat and text completions differ only in shape. With tools, each choice's text goes through a
 * {@link ToolCallStream}: calls become {@code tool_calls} (whole, or one delta per call when
 * streaming), anything else stays content. Log probabilities ride on the chunk that carries
 * their tokens' text. A failed write means the client left: the jobs are cancelled so their
 * slots free at the next step.
 */
final class CompletionWriter {
    private final Engine engine;
    private final boolean chat;
    private final LogprobsJson logprobsJson;

    CompletionWriter(Engine engine, boolean chat) {
        this.engine = engine;
        this.chat = chat;
        this.logprobsJson = new LogprobsJson(engine.model.vocab(), chat);
    }

    void respond(Exchange ex, Job job, GenerationRequest request) throws IOException {
        respond(ex, List.of(job), request, ToolRequest.NONE);
    }

    /** @param jobs one per choice, in index order, sharing one event queue */
    void respond(Exchange ex, List<Job> jobs, GenerationRequest request, ToolRequest tools) throws IOException {
        for (int i = 0; i < jobs.size(); i++) {
            if (!engine.scheduler.submit(jobs.get(i))) {
                for (int j = 0; j < jobs.size(); j++) {
                    if (j < i) {
                        jobs.get(j).cancel(); // queued: dropped when its turn comes
                    } else {
                        jobs.get(j).release();
                    }
                }
                throw new ApiException(503, "server_error", "the server is busy: all " + engine.config.parallel()
                        + " slots are generating and " + engine.config.queueSize() + " requests wait; retry later",
                        null, "queue_full");
            }
        }
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        Job first = jobs.getFirst();
        List<Choice> choices = new ArrayList<>();
        for (Job j : jobs) {
            choices.add(new Choice(j.index, tools.active() ? tools.tools() : null, request.logprobs() >= 0));
        }
        try {
            Job.Event e = take(first);
            if (e instanceof Job.Failed f) {
                throw failure(f.error());
            }
            if (!request.stream()) {
                int done = 0;
                for (; ; e = take(first)) {
                    Choice c = choices.get(e.index());
                    switch (e) {
                        case Job.Failed f -> throw failure(f.error());
                        case Job.Token t -> c.logprobs.add(t.logprob());
                        case Job.Piece p -> { }
                        case Job.Done d -> {
                            c.result = d.result();
                            done++;
                        }
                    }
                    if (done == choices.size()) {
                        break;
                    }
                }
                ex.sendJson(200, whole(id, created, choices));
                return;
            }
            OutputStream out = ex.startEvents();
            if (chat) {
                for (Choice c : choices) {
                    ObjectNode delta = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", "");
                    Exchange.event(out, chunk(id, created, c, delta, null, false).toString());
                }
            }
            int done = 0;
            for (; ; e = take(first)) {
                Choice c = choices.get(e.index());
                switch (e) {
                    case Job.Token t -> c.logprobs.add(t.logprob());
                    case Job.Piece p -> streamText(out, id, created, c, p.text(), false);
                    case Job.Done d -> {
                        c.result = d.result();
                        streamText(out, id, created, c, "", true);
                        ObjectNode last = chunk(id, created, c, null, finishReason(c), true);
                        last.set("timings", timings(c.result)); // as llama-server's last chunk (per choice)
                        Exchange.event(out, last.toString());
                        if (++done == choices.size()) {
                            if (request.includeUsage()) {
                                ObjectNode u = base(id, created, true);
                                u.putArray("choices");
                                u.set("usage", usage(choices));
                                Exchange.event(out, u.toString());
                            }
                            Exchange.event(out, "[DONE]");
                            out.close();
                            return;
                        }
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
            jobs.forEach(Job::cancel); // a no-op once finished; frees the slots if this thread leaves early
        }
    }

    /** One choice's state while its events arrive. */
    private static final class Choice {
        final int index;
        final List<ToolSpec> toolSpecs; // null: no tools, text is content
        final ToolCallStream tools;
        final boolean wantsLogprobs;
        final List<TokenLogprob> logprobs = new ArrayList<>();
        int logprobsSent;
        int calls;
        int textOffset;
        GenerationResult result;

        Choice(int index, List<ToolSpec> toolSpecs, boolean wantsLogprobs) {
            this.index = index;
            this.toolSpecs = toolSpecs;
            this.tools = toolSpecs == null ? null : new ToolCallStream(toolSpecs);
            this.wantsLogprobs = wantsLogprobs;
        }
    }

    /** Streams a piece of a choice's text: content chunks and, with tools, one chunk per call. */
    private void streamText(OutputStream out, String id, long created, Choice c, String text, boolean end)
            throws IOException {
        if (c.tools == null) {
            if (!text.isEmpty()) {
                Exchange.event(out, chunk(id, created, c, content(text), null, false).toString());
                c.textOffset += text.length();
            }
            return;
        }
        List<ToolCallStream.Event> events = new ArrayList<>(c.tools.accept(text));
        if (end) {
            events.addAll(c.tools.finish());
        }
        for (ToolCallStream.Event ev : events) {
            ObjectNode delta = switch (ev) {
                case ToolCallStream.Text t -> content(t.text());
                case ToolCallStream.Call call -> {
                    ObjectNode d = Json.MAPPER.createObjectNode();
                    d.putArray("tool_calls").add(toolCall(call.call(), c.calls++));
                    yield d;
                }
            };
            Exchange.event(out, chunk(id, created, c, delta, null, false).toString());
        }
    }

    private ObjectNode content(String text) {
        return chat ? Json.MAPPER.createObjectNode().put("content", text) : Json.MAPPER.createObjectNode().put("text", text);
    }

    private static ObjectNode toolCall(ToolCall call, int index) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("index", index);
        n.put("id", call.id());
        n.put("type", "function");
        n.putObject("function").put("name", call.name()).put("arguments", call.arguments());
        return n;
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

    /**
     * OpenAI's reasons. A cancelled answer that still reaches its client was cut by the server (the
     * end of a shutdown's grace): "length", the answer is truncated.
     */
    static String finishReason(FinishReason r) {
        return switch (r) {
            case MAX_TOKENS, CONTEXT_FULL, CANCELLED -> "length";
            default -> "stop";
        };
    }

    private static String finishReason(Choice c) {
        return c.calls > 0 ? "tool_calls" : finishReason(c.result.finishReason());
    }

    private ObjectNode base(String id, long created, boolean stream) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", id);
        n.put("object", chat ? (stream ? "chat.completion.chunk" : "chat.completion") : "text_completion");
        n.put("created", created);
        n.put("model", engine.config.modelName());
        return n;
    }

    private ObjectNode whole(String id, long created, List<Choice> choices) {
        ObjectNode n = base(id, created, false);
        ArrayNode array = n.putArray("choices");
        for (Choice c : choices) {
            GenerationResult r = c.result;
            ObjectNode choice = array.addObject();
            choice.put("index", c.index);
            if (chat) {
                ObjectNode message = choice.putObject("message").put("role", "assistant");
                if (c.tools == null) {
                    message.put("content", r.text());
                } else {
                    ToolCallStream.Parsed parsed = ToolCallStream.parse(r.text(), c.toolSpecs);
                    if (parsed.content().isEmpty() && !parsed.toolCalls().isEmpty()) {
                        message.putNull("content");
                    } else {
                        message.put("content", parsed.content());
                    }
                    if (!parsed.toolCalls().isEmpty()) {
                        ArrayNode calls = message.putArray("tool_calls");
                        for (ToolCall call : parsed.toolCalls()) {
                            ObjectNode entry = toolCall(call, c.calls++);
                            entry.remove("index"); // only stream deltas carry an index
                            calls.add(entry);
                        }
                    }
                }
            } else {
                choice.put("text", r.text());
            }
            if (c.wantsLogprobs) {
                choice.set("logprobs", logprobsJson.of(c.logprobs, 0, c.logprobs.size(), 0));
            } else {
                choice.putNull("logprobs");
            }
            choice.put("finish_reason", finishReason(c));
        }
        n.set("usage", usage(choices));
        n.set("timings", timings(choices.getFirst().result)); // llama-server's, of the first choice
        return n;
    }

    /** A stream chunk of one choice: a delta (role, content, tool call), or the last one with its finish reason. */
    private ObjectNode chunk(String id, long created, Choice c, ObjectNode delta, String finish, boolean last) {
        ObjectNode n = base(id, created, true);
        ObjectNode choice = n.putArray("choices").addObject();
        choice.put("index", c.index);
        if (chat) {
            choice.set("delta", delta != null ? delta : Json.MAPPER.createObjectNode());
        } else {
            choice.put("text", delta != null && delta.has("text") ? delta.get("text").textValue() : "");
        }
        // Tokens decoded so far ride on the chunk that carries (or follows) their text.
        if (c.wantsLogprobs && c.logprobs.size() > c.logprobsSent && (delta != null && !delta.has("role") || last)) {
            int from = c.logprobsSent;
            c.logprobsSent = c.logprobs.size();
            choice.set("logprobs", logprobsJson.of(c.logprobs, from, c.logprobs.size(), c.textOffset));
        } else {
            choice.putNull("logprobs");
        }
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

    /** The prompt (evaluated and reused from the cache) counts once; every choice's tokens count. */
    private static ObjectNode usage(List<Choice> choices) {
        var first = choices.getFirst().result.stats();
        int prompt = first.promptTokens() + first.cachedTokens();
        int completion = 0;
        for (Choice c : choices) {
            completion += c.result.stats().generatedTokens();
        }
        return Json.MAPPER.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }
}
