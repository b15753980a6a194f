package io.github.llamapanama.langchain4j;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.MediaHost;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An image URL reaches the model only when the application enabled remote media, and then only
 * from a public address: a loopback URL and a redirect to loopback are refused with the server's
 * messages. "Public" is a resolver stub that routes a public address to a loopback server.
 */
class RemoteMediaTest {

    private static ChatRequest describe(String url) {
        return ChatRequest.builder().messages(UserMessage.from(ImageContent.from(url), TextContent.from("Describe.")))
                .parameters(LlamaChatRequestParameters.builder().temperature(0.0).maxOutputTokens(2).build()).build();
    }

    private static String refusal(LlamaChatModel model, String url) {
        return assertThrows(RuntimeException.class, () -> model.chat(describe(url))).getMessage();
    }

    @Test
    void imageUrlsAreRefusedByDefaultAndOnlyPublicOnesFetchedWhenEnabled() throws Exception {
        try (MediaHost host = new MediaHost(Files.readAllBytes(TestData.file("test-1.jpeg")), "image/jpeg")) {
            try (LlamaChatModel byDefault = LlamaChatModel.builder().modelPath(Fixtures.tinyQwen2())
                    .mmprojPath(Fixtures.tinyInternVlMmproj()).mediaResolver(host.resolver()).build()) {
                assertTrue(refusal(byDefault, host.loopbackUrl()).contains("disabled"));
                assertTrue(refusal(byDefault, host.publicUrl("/media")).contains("disabled"),
                        "not even a public one unless enabled");
            }
            try (LlamaChatModel enabled = LlamaChatModel.builder().modelPath(Fixtures.tinyQwen2())
                    .mmprojPath(Fixtures.tinyInternVlMmproj()).allowRemoteMedia(true).mediaResolver(host.resolver())
                    .build()) {
                String loopback = refusal(enabled, host.loopbackUrl());
                assertTrue(loopback.contains("refused") && loopback.contains("loopback"), loopback);
                String redirected = refusal(enabled, host.publicUrl("/to-loopback"));
                assertTrue(redirected.contains("loopback"), redirected);
                ChatResponse r = enabled.chat(describe(host.publicUrl("/media")));
                assertTrue(r.tokenUsage().inputTokenCount() > Fixtures.imageTokens(),
                        "the fetched image is in the prompt: " + r.tokenUsage());
            }
        }
    }
}
