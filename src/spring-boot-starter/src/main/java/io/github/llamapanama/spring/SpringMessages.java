package io.github.llamapanama.spring;

import io.github.llamapanama.provider.Media;
import io.github.llamapanama.provider.MediaFetcher;
import io.github.llamapanama.provider.Turn;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * Spring AI messages as {@link Turn}s. A user message's media (images, audio) go before its text,
 * one per line, as {@link io.github.llamapanama.vision.VisionChat#send} places them; media data
 * may be bytes, a URL (read by the server's rules) or base64 text.
 */
final class SpringMessages {
    private SpringMessages() {}

    static List<Turn> turns(List<Message> messages, MediaFetcher fetcher) {
        List<Turn> turns = new ArrayList<>(messages.size());
        for (Message m : messages) {
            turns.add(switch (m) {
                case SystemMessage s -> Turn.system(text(s.getText()));
                case UserMessage u -> Turn.user(text(u.getText()), u.getMedia().stream().map(x -> media(x, fetcher)).toList());
                case AssistantMessage a -> {
                    if (a.hasToolCalls()) {
                        throw new UnsupportedOperationException("tool calls are not supported by llama-panama's Spring AI model yet");
                    }
                    yield Turn.assistant(text(a.getText()));
                }
                default -> throw new UnsupportedOperationException("llama-panama does not take " + m.getMessageType()
                        + " messages yet");
            });
        }
        return turns;
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static Media media(org.springframework.ai.content.Media m, MediaFetcher fetcher) {
        Object data = m.getData();
        return switch (data) {
            case byte[] bytes -> Media.of(bytes);
            case URI uri -> fetcher.fetch(uri.toString());
            case URL url -> fetcher.fetch(url.toString());
            case String s when s.contains(":") && !s.startsWith("/") -> fetcher.fetch(s);
            case String s -> fetcher.decodeBase64(s);
            default -> throw new IllegalArgumentException("media data of type " + data.getClass().getName()
                    + " is not supported: give bytes, a URL or base64 text");
        };
    }
}
