package io.github.llamapanama.spring;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.provider.LocalModel;
import io.github.llamapanama.provider.Reference;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.FileSystemResource;
import org.springframework.util.MimeTypeUtils;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spring AI's ChatClient on the auto-configured model, as a Spring Boot application uses it. */
class SpringAiTest {
    static final int N = 16;
    static final String QUESTION = "Describe this image.";

    @Configuration
    @EnableAutoConfiguration
    static class App {}

    /** A Spring Boot application with every auto-configuration on the classpath, as users run it. */
    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
    }

    private static String[] properties() {
        return new String[] {
                "spring.ai.llama-panama.model=" + Fixtures.tinyQwen2(),
                "spring.ai.llama-panama.mmproj=" + Fixtures.tinyInternVlMmproj()};
    }

    @Test
    void twoPropertiesGiveAChatClientWhoseGreedyAnswersEqualVisionChat() {
        Path image = TestData.file("test-1.jpeg");
        try (ConfigurableApplicationContext context = start(properties())) {
            LocalModel local = context.getBean(LocalModel.class);
            GenerationResult expected = Reference.visionChat(local, image, N, QUESTION).getFirst();
            ChatClient client = context.getBean(ChatClient.Builder.class).build();
            ChatOptions.Builder<?> greedy = ChatOptions.builder().temperature(0.0).maxTokens(N);

            ChatResponse called = client.prompt()
                    .user(u -> u.text(QUESTION).media(MimeTypeUtils.IMAGE_JPEG, new FileSystemResource(image)))
                    .options(greedy).call().chatResponse();
            assertEquals(expected.text(), called.getResult().getOutput().getText());
            assertEquals(expected.tokens().length, called.getMetadata().getUsage().getCompletionTokens());
            assertTrue(called.getMetadata().getUsage().getPromptTokens() > Fixtures.imageTokens());

            List<String> pieces = client.prompt()
                    .user(u -> u.text(QUESTION).media(MimeTypeUtils.IMAGE_JPEG, new FileSystemResource(image)))
                    .options(ChatOptions.builder().temperature(0.0).maxTokens(N)).stream().content()
                    .collectList().block();
            assertTrue(pieces.size() > 2, pieces.toString());
            assertEquals(expected.text(), String.join("", pieces));

            List<ChatResponse> responses = client.prompt().user(QUESTION)
                    .options(ChatOptions.builder().temperature(0.0).maxTokens(4)).stream().chatResponse()
                    .collectList().block();
            ChatResponse last = responses.getLast();
            assertEquals("LENGTH", last.getResult().getMetadata().getFinishReason());
            assertEquals(4, last.getMetadata().getUsage().getCompletionTokens());

            EmbeddingModel embeddings = context.getBean(EmbeddingModel.class);
            assertEquals(local.embeddingDimensions(), embeddings.embed("a red apple").length);
        }
    }

    @Test
    void withoutAModelPropertyNothingIsConfigured() {
        try (ConfigurableApplicationContext context = start()) {
            assertTrue(context.getBeansOfType(LocalModel.class).isEmpty());
            assertTrue(context.getBeansOfType(ChatClient.Builder.class).isEmpty());
        }
    }

    @Test
    void aSpringBootApplicationFindsTheAutoConfigurationOnTheClasspath() {
        try (ConfigurableApplicationContext context = start(properties())) {
            assertFalse(context.getBeansOfType(ChatClient.Builder.class).isEmpty());
            String answer = context.getBean(ChatClient.Builder.class).build().prompt().user("Hello")
                    .options(ChatOptions.builder().temperature(0.0).maxTokens(4)).call().content();
            assertFalse(answer.isEmpty());
        }
    }
}
