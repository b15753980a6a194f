package io.github.llamapanama.langchain4j;

import dev.langchain4j.data.audio.Audio;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import io.github.llamapanama.provider.Media;
import io.github.llamapanama.provider.MediaFetcher;
import io.github.llamapanama.provider.Part;
import io.github.llamapanama.provider.Turn;

import java.util.ArrayList;
import java.util.List;

/**
 * LangChain4j messages as {@link Turn}s. A user message keeps its contents in order: text as
 * is, each image or audio clip as the projector's marker on its own line (as the server renders
 * OpenAI content parts). Images and audio come as base64 or as a URL, read by the server's rules
 * (data: URIs, bounded http(s) downloads, file: only inside an allowed directory).
 */
final class Messages {
    private Messages() {}

    static List<Turn> turns(List<ChatMessage> messages, MediaFetcher fetcher) {
        List<Turn> turns = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            turns.add(switch (m) {
                case SystemMessage s -> Turn.system(s.text());
                case UserMessage u -> user(u, fetcher);
                case AiMessage a -> assistant(a);
                case ToolExecutionResultMessage r -> Turn.tool(r.id() == null ? "" : r.id(), r.text() == null ? "" : r.text());
                default -> throw new UnsupportedFeatureException("llama-panama does not take " + m.type()
                        + " messages yet");
            });
        }
        return turns;
    }

    private static Turn assistant(AiMessage a) {
        String text = a.text() == null ? "" : a.text();
        if (a.hasToolExecutionRequests()) {
            return Turn.assistant(text, a.toolExecutionRequests().stream().map(Tools::call).toList());
        }
        return Turn.assistant(text);
    }

    private static Turn user(UserMessage u, MediaFetcher fetcher) {
        List<Part> parts = new ArrayList<>();
        for (Content c : u.contents()) {
            parts.add(switch (c) {
                case TextContent t -> Part.text(t.text());
                case ImageContent i -> image(i.image(), fetcher);
                case AudioContent a -> audio(a.audio(), fetcher);
                default -> throw new UnsupportedFeatureException("llama-panama reads text, images and audio; not "
                        + c.type() + " content");
            });
        }
        return new Turn(io.github.llamapanama.chat.ChatMessage.Role.USER, parts);
    }

    private static Media image(Image image, MediaFetcher fetcher) {
        if (image.base64Data() != null) {
            return fetcher.decodeBase64(image.base64Data());
        }
        if (image.url() != null) {
            return fetcher.fetch(image.url().toString());
        }
        throw new IllegalArgumentException("an image without data or URL");
    }

    private static Media audio(Audio audio, MediaFetcher fetcher) {
        if (audio.binaryData() != null) {
            return Media.of(audio.binaryData());
        }
        if (audio.base64Data() != null) {
            return fetcher.decodeBase64(audio.base64Data());
        }
        if (audio.url() != null) {
            return fetcher.fetch(audio.url().toString());
        }
        throw new IllegalArgumentException("an audio clip without data or URL");
    }
}
