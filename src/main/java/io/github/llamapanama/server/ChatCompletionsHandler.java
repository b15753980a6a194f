package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.VisionException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: messages with string content or content parts (text,
 * image_url and input_audio), formatted with the model's chat template; images go through the projector.
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
        GenerationRequest request = GenerationRequest.parse(body);
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
        String prompt = engine.template.apply(chat, true);
        Job job = imageUrls.isEmpty() ? textJob(prompt, request) : mediaJob(prompt, imageUrls, request);
        writer.respond(ex, job, request);
    }

    private Job textJob(String prompt, GenerationRequest request) {
        int[] tokens = engine.model.vocab().tokenize(prompt, true, true);
        if (tokens.length >= engine.scheduler.slotContextSize()) {
            throw CompletionWriter.failure(new ContextFullException("the prompt has " + tokens.length
                    + " tokens but a slot holds " + engine.scheduler.slotContextSize() + " (prompt and answer)"));
        }
        return new Job(Job.Prompt.ofTokens(tokens), request.newSampler(engine), request.generation(), engine.metrics);
    }

    private Job mediaJob(String prompt, List<String> urls, GenerationRequest request) {
        List<Bitmap> bitmaps = new ArrayList<>();
        try {
            for (int i = 0; i < urls.size(); i++) {
                String param = "image_url[" + i + "]";
                byte[] bytes = engine.images.read(urls.get(i), param);
                try {
                    bitmaps.add(Bitmap.decode(engine.projector, bytes, engine.mediaLimits));
                } catch (VisionException | IllegalArgumentException e) {
                    throw ApiException.invalid("image " + (i + 1) + ": " + e.getMessage(), param, "invalid_image");
                }
            }
            Sampler sampler = request.newSampler(engine);
            return new Job(Job.Prompt.ofMedia(prompt, bitmaps), sampler, request.generation(), engine.metrics);
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
            default -> throw ApiException.invalid(path + ".role must be system, developer, user or assistant, was '"
                    + roleName + "'", path + ".role");
        };
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            if (role == ChatMessage.Role.ASSISTANT) {
                return new ChatMessage(role, "");
            }
            throw ApiException.invalid("missing required parameter '" + path + ".content'", path + ".content",
                    "missing_required_parameter");
        }
        if (content.isTextual()) {
            return new ChatMessage(role, content.textValue());
        }
        if (!content.isArray()) {
            throw Json.wrongType(path + ".content", "a string or an array of content parts", content);
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            text.append(part(content.get(j), path + ".content[" + j + "]", role, imageUrls));
        }
        return new ChatMessage(role, text.toString());
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
                return (engine.projector == null ? "" : engine.projector.mediaMarker()) + "\n";
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
                return (engine.projector == null ? "" : engine.projector.mediaMarker()) + "\n";
            }
            default -> throw ApiException.invalid(path + ".type must be text, image_url or input_audio, was '" + type
                    + "'", path + ".type");
        }
    }
}
