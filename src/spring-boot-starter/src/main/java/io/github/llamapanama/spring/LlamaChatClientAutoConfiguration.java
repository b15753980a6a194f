package io.github.llamapanama.spring;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;

/**
 * A {@code ChatClient.Builder} on the llama-panama chat model, for applications that have
 * {@code spring-ai-client-chat} but not Spring AI's own chat-client auto-configuration (which,
 * when present, runs first and provides the builder instead).
 */
@AutoConfiguration(after = LlamaAutoConfiguration.class,
        afterName = "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration")
@ConditionalOnClass(ChatClient.class)
@ConditionalOnBean(LlamaChatModel.class)
public class LlamaChatClientAutoConfiguration {

    @Bean
    @Scope("prototype")
    @ConditionalOnMissingBean
    public ChatClient.Builder llamaPanamaChatClientBuilder(LlamaChatModel model) {
        return ChatClient.builder(model);
    }
}
