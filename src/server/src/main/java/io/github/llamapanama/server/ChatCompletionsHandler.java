package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ToolCall;
import io.github.llamapanama.chat.jinja.TemplateException;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.VisionException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@code POST /v1/chat/completions}: messages with string content or content parts (text,
 * image_url and input_audio), tool calls and tool results, formatted by the model's own Jinja chat
 * template (with tools when the request has them); images and audio go through the projector.
 * {@code n} choices are n jobs that share one event queue.
 */
final class ChatCompletionsHandler implements Router.Endpoint {
    private final Engine engine;
    private final CompletionWriter writer;

    ChatCompletionsHandler(Engine engine) {
        this.engine = engine;
        this.writer = new CompletionWriter(engine, true);
    }

    @Override
    public void handle(Exchange ex) throws IOException {
        ObjectNode body = Json.parseObject(ex.body(engine.config.maxBodyBytes()));
        JsonNode messages = Json.required(body, "messages", "messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalid("'messages' must be a non-empty array", "messages");
        }
        ToolRequest tools = ToolRequest.parse(body);
        GenerationRequest request = GenerationRequest.parse(body, true, tools);
        List<String> imageUrls = new ArrayList<>();
        List<ChatMessage> chat = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            chat.add(message(messages.get(i), "messages[" + i + "]", imageUrls));
        }
        if (imageUrls.size() > engine.config.maxImages()) {
            throw ApiException.invalid("the request has " + imageUrls.size() + " images; the limit is "
                    + engine.config.maxImages(), "messages", "too_many_images");
        }
        if (!imageUrls.isEmpty() && engine.projector == null) {
            throw ApiException.invalid("this server has no projector (--mmproj): it cannot read images", "messages",
                    "images_not_supported");
        }
        String prompt;
        try {
            prompt = engine.template.render(chat, tools.active() ? tools.tools() : List.of(), true);
        } catch (TemplateException e) {
            if (!e.raisedByTemplate()) {
                // the template is at fault, not the request (a forbidden tag, a render past its budget): the
                // request fails and the server goes on serving
                throw new ApiException(500, "server_error", "the model's chat template failed: " + e.getMessage(),
                        null, "chat_template_error");
            }
            throw ApiException.invalid("the model's chat template refused the conversation: " + e.getMessage(),
                    "messages", "invalid_conversation");
        }
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < imageUrls.size(); i++) {
            images.add(engine.images.read(imageUrls.get(i), "image_url[" + i + "]"));
        }
        BlockingQueue<Job.Event> events = new LinkedBlockingQueue<>();
        List<Job> jobs = new ArrayList<>();
        try {
            int[] tokens = images.isEmpty() ? tokenize(prompt) : null;
            for (int i = 0; i < request.n(); i++) {
                jobs.add(images.isEmpty() ? textJob(tokens, request, i, events) : mediaJob(prompt, images, request, i, events));
            }
        } catch (RuntimeException e) {
            jobs.forEach(Job::release);
            throw e;
        }
        writer.respond(ex, jobs, request, tools);
    }

    private int[] tokenize(String prompt) {
        int[] tokens = engine.model.vocab().tokenize(prompt, true, true);
        if (tokens.length >= engine.scheduler.slotContextSize()) {
            throw CompletionWriter.failure(new ContextFullException("the prompt has " + tokens.length
                    + " tokens but a slot holds " + engine.scheduler.slotContextSize() + " (prompt and answer)"));
        }
        return tokens;
    }

    private Job textJob(int[] tokens, GenerationRequest request, int index, BlockingQueue<Job.Event> events) {
        return new Job(Job.Prompt.ofTokens(tokens), request.newSampler(engine, index), request, engine.metrics, index,
                events);
    }

    /** A job with its own decoded bitmaps (a slot closes them once they are in its KV cache). */
    private Job mediaJob(String prompt, List<byte[]> images, GenerationRequest request, int index,
                         BlockingQueue<Job.Event> events) {
        List<Bitmap> bitmaps = new ArrayList<>();
        try {
            for (int i = 0; i < images.size(); i++) {
                try {
                    bitmaps.add(Bitmap.decode(engine.projector, images.get(i), engine.mediaLimits));
                } catch (VisionException | IllegalArgumentException e) {
                    throw ApiException.invalid("image " + (i + 1) + ": " + e.getMessage(), "image_url[" + i + "]",
                            "invalid_image");
                }
            }
            Sampler sampler = request.newSampler(engine, index);
            return new Job(Job.Prompt.ofMedia(prompt, bitmaps), sampler, request, engine.metrics, index, events);
        } catch (RuntimeException e) {
            bitmaps.forEach(Bitmap::close);
            throw e;
        }
    }

    /** One message; image parts become the projector's media marker where they stand. */
    private ChatMessage message(JsonNode m, String path, List<String> imageUrls) {
        if (!m.isObject()) {
            throw Json.wrongType(path, "an object", m);
        }
        String roleName = Json.string(m, "role", path + ".role", null);
        if (roleName == null) {
            throw ApiException.invalid("missing required parameter '" + path + ".role'", path + ".role",
                    "missing_required_parameter");
        }
        ChatMessage.Role role = switch (roleName) {
            case "system", "developer" -> ChatMessage.Role.SYSTEM;
            case "user" -> ChatMessage.Role.USER;
            case "assistant" -> ChatMessage.Role.ASSISTANT;
            case "tool" -> ChatMessage.Role.TOOL;
            default -> throw ApiException.invalid(path + ".role must be system, developer, user, assistant or tool, was '"
                    + roleName + "'", path + ".role");
        };
        List<ToolCall> calls = role == ChatMessage.Role.ASSISTANT ? toolCalls(m.get("tool_calls"), path) : List.of();
        String toolCallId = null;
        if (role == ChatMessage.Role.TOOL) {
            toolCallId = Json.string(m, "tool_call_id", path + ".tool_call_id", null);
            if (toolCallId == null || toolCallId.isEmpty()) {
                throw ApiException.invalid("missing required parameter '" + path + ".tool_call_id'",
                        path + ".tool_call_id", "missing_required_parameter");
            }
        }
        JsonNode content = m.get("content");
        String text;
        if (content == null || content.isNull()) {
            if (role != ChatMessage.Role.ASSISTANT) {
                throw ApiException.invalid("missing required parameter '" + path + ".content'", path + ".content",
                        "missing_required_parameter");
            }
            text = "";
        } else if (content.isTextual()) {
            text = content.textValue();
        } else if (content.isArray()) {
            // Parts joined by newlines, media parts as the projector's marker: llama-server's
            // convention (common_chat_msgs_to_json_oaicompat), so both servers see one prompt.
            StringBuilder parts = new StringBuilder();
            for (int j = 0; j < content.size(); j++) {
                String t = part(content.get(j), path + ".content[" + j + "]", role, imageUrls);
                if (!parts.isEmpty()) {
                    parts.append('\n');
                }
                parts.append(t);
            }
            text = parts.toString();
        } else {
            throw Json.wrongType(path + ".content", "a string or an array of content parts", content);
        }
        return new ChatMessage(role, text, calls, toolCallId);
    }

    /** An assistant message's tool_calls: the calls the model made earlier, sent back in the history. */
    private static List<ToolCall> toolCalls(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw Json.wrongType(path + ".tool_calls", "an array", node);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = path + ".tool_calls[" + i + "]";
            JsonNode c = node.get(i);
            if (!c.isObject()) {
                throw Json.wrongType(at, "an object", c);
            }
            JsonNode f = Json.required(c, "function", at + ".function");
            String name = Json.string(f, "name", at + ".function.name", null);
            if (name == null) {
                throw ApiException.invalid("missing required parameter '" + at + ".function.name'",
                        at + ".function.name", "missing_required_parameter");
            }
            JsonNode args = f.get("arguments");
            String arguments = args == null || args.isNull() ? "{}" : args.isTextual() ? args.textValue() : args.toString();
            String id = Json.string(c, "id", at + ".id", null);
            calls.add(new ToolCall(id == null ? ToolCall.newId() : id, name, arguments));
        }
        return calls;
    }

    private String part(JsonNode part, String path, ChatMessage.Role role, List<String> imageUrls) {
        if (!part.isObject()) {
            throw Json.wrongType(path, "an object", part);
        }
        String type = Json.string(part, "type", path + ".type", null);
        if (type == null) {
            throw ApiException.invalid("missing required parameter '" + path + ".type'", path + ".type",
                    "missing_required_parameter");
        }
        switch (type) {
            case "text" -> {
                String t = Json.string(part, "text", path + ".text", null);
                if (t == null) {
                    throw ApiException.invalid("missing required parameter '" + path + ".text'", path + ".text",
                            "missing_required_parameter");
                }
                return t;
            }
            case "image_url" -> {
                if (role != ChatMessage.Role.USER) {
                    throw ApiException.invalid("images are allowed in user messages only", path);
                }
                JsonNode image = Json.required(part, "image_url", path + ".image_url");
                String url = image.isTextual() ? image.textValue()
                        : Json.string(image, "url", path + ".image_url.url", null);
                if (url == null) {
                    throw ApiException.invalid("missing required parameter '" + path + ".image_url.url'",
                            path + ".image_url.url", "missing_required_parameter");
                }
                imageUrls.add(url);
                // The marker the projector replaces by the image's embeddings.
                return engine.projector == null ? "" : engine.projector.mediaMarker();
            }
            case "input_audio" -> {
                if (role != ChatMessage.Role.USER) {
                    throw ApiException.invalid("audio is allowed in user messages only", path);
                }
                JsonNode audio = Json.required(part, "input_audio", path + ".input_audio");
                if (!audio.isObject()) {
                    throw Json.wrongType(path + ".input_audio", "an object", audio);
                }
                String data = Json.string(audio, "data", path + ".input_audio.data", null);
                String format = Json.string(audio, "format", path + ".input_audio.format", null);
                if (data == null || format == null) {
                    String missing = path + ".input_audio." + (data == null ? "data" : "format");
                    throw ApiException.invalid("missing required parameter '" + missing + "'", missing,
                            "missing_required_parameter");
                }
                if (!List.of("wav", "mp3", "flac").contains(format)) {
                    throw ApiException.invalid(path + ".input_audio.format must be wav, mp3 or flac, was '" + format + "'",
                            path + ".input_audio.format");
                }
                // base64 as OpenAI sends it: read through the same size-checked path as an image data URI
                imageUrls.add("data:audio/" + format + ";base64," + data);
                return engine.projector == null ? "" : engine.projector.mediaMarker();
            }
            default -> throw ApiException.invalid(path + ".type must be text, image_url or input_audio, was '" + type
                    + "'", path + ".type");
        }
    }
}
