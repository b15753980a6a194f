package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.model.ContextFullException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** {@code POST /v1/completions}: continues a prompt string, without a chat template. */
final class CompletionsHandler implements Router.Endpoint {
    private final Engine engine;
    private final CompletionWriter writer;

    CompletionsHandler(Engine engine) {
        this.engine = engine;
        this.writer = new CompletionWriter(engine, false);
    }

    @Override
    public void handle(Exchange ex) throws IOException {
        ObjectNode body = Json.parseObject(ex.body(engine.config.maxBodyBytes()));
        JsonNode prompt = Json.required(body, "prompt", "prompt");
        if (!prompt.isTextual()) {
            throw Json.wrongType("prompt", "a string", prompt);
        }
        if (prompt.textValue().isEmpty()) {
            throw ApiException.invalid("'prompt' must not be empty", "prompt");
        }
        GenerationRequest request = GenerationRequest.parse(body, false, ToolRequest.NONE);
        int[] tokens = engine.model.vocab().tokenize(prompt.textValue(), true, true);
        if (tokens.length >= engine.scheduler.slotContextSize()) {
            throw CompletionWriter.failure(new ContextFullException("the prompt has " + tokens.length
                    + " tokens but a slot holds " + engine.scheduler.slotContextSize() + " (prompt and answer)"));
        }
        BlockingQueue<Job.Event> events = new LinkedBlockingQueue<>();
        List<Job> jobs = new ArrayList<>();
        try {
            for (int i = 0; i < request.n(); i++) {
                jobs.add(new Job(Job.Prompt.ofTokens(tokens), request.newSampler(engine, i), request, engine.metrics, i,
                        events));
            }
        } catch (RuntimeException e) {
            jobs.forEach(Job::release);
            throw e;
        }
        writer.respond(ex, jobs, request, ToolRequest.NONE);
    }
}
