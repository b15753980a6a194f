package io.github.llamapanama.spring;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.MediaHost;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.MimeTypeUtils;

import java.net.URI;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * spring.ai.llama-panama.allow-remote-media: image URLs are refused by default; enabled, only public
 * addresses are fetched (a loopback URL and a redirect to loopback are refused). A resolver bean
 * makes a name look public and routes it to a loopback server.
 */
class SpringRemoteMediaTest {

    @Configuration
    @EnableAutoConfiguration
    static class App {}

    private static ConfigurableApplicationContext start(MediaHost host, String... more) {
        String[] properties = new String[more.length + 2];
        properties[0] = "spring.ai.llama-panama.model=" + Fixtures.tinyQwen2();
        properties[1] = "spring.ai.llama-panama.mmproj=" + Fixtures.tinyInternVlMmproj();
        System.arraycopy(more, 0, properties, 2, more.length);
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties)
                .initializers(c -> c.getBeanFactory().registerSingleton("mediaResolver", host.resolver())).run();
    }

    private static ChatResponse describe(ConfigurableApplicationContext context, String url) throws Exception {
        ChatClient client = context.getBean(ChatClient.Builder.class).build();
        return client.prompt().user(u -> {
                    try {
                        u.text("Describe.").media(MimeTypeUtils.IMAGE_JPEG, URI.create(url).toURL());
                    } catch (java.net.MalformedURLException e) {
                        throw new IllegalArgumentException(e);
                    }
                })
                .options(ChatOptions.builder().temperature(0.0).maxTokens(2)).call().chatResponse();
    }

    private static String refusal(ConfigurableApplicationContext context, String url) {
        Throwable t = assertThrows(RuntimeException.class, () -> describe(context, url));
        StringBuilder all = new StringBuilder();
        for (; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" / ");
        }
        return all.toString();
    }

    @Test
    void imageUrlsAreRefusedByDefaultAndOnlyPublicOnesFetchedWhenEnabled() throws Exception {
        try (MediaHost host = new MediaHost(Files.readAllBytes(TestData.file("test-1.jpeg")), "image/jpeg")) {
            try (ConfigurableApplicationContext off = start(host)) {
                assertTrue(refusal(off, host.loopbackUrl()).contains("disabled"));
                assertTrue(refusal(off, host.publicUrl("/media")).contains("disabled"));
            }
            try (ConfigurableApplicationContext on = start(host, "spring.ai.llama-panama.allow-remote-media=true")) {
                String loopback = refusal(on, host.loopbackUrl());
                assertTrue(loopback.contains("refused") && loopback.contains("loopback"), loopback);
                assertTrue(refusal(on, host.publicUrl("/to-loopback")).contains("loopback"));
                ChatResponse r = describe(on, host.publicUrl("/media"));
                assertTrue(r.getMetadata().getUsage().getPromptTokens() > Fixtures.imageTokens(),
                        "the fetched image is in the prompt: " + r.getMetadata().getUsage());
            }
        }
    }
}
