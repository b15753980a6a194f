package io.github.llamapanama.spring;

import io.github.llamapanama.provider.LocalModel;
import io.github.llamapanama.provider.RemoteFetch;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConfigurationCondition;

/**
 * Spring Boot auto-configuration: with {@code spring.ai.llama-panama.model} (and
 * {@code .mmproj} for images) or {@code spring.ai.llama-panama.hugging-face} set, it provides a
 * {@link LocalModel}, a Spring AI {@link LlamaChatModel} and {@link LlamaEmbeddingModel}; with
 * them Spring AI's ChatClient auto-configuration (or {@link LlamaChatClientAutoConfiguration}
 * when that is absent) gives a {@code ChatClient.Builder}.
 */
@AutoConfiguration
@ConditionalOnClass({LocalModel.class, org.springframework.ai.chat.model.ChatModel.class})
@Conditional(LlamaAutoConfiguration.ModelConfigured.class)
@EnableConfigurationProperties(LlamaProperties.class)
public class LlamaAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public LocalModel llamaPanamaLocalModel(LlamaProperties p,
                                            org.springframework.beans.factory.ObjectProvider<RemoteFetch.Resolver> resolver) {
        LocalModel.Builder b = LocalModel.builder().contextSize(p.getContextSize()).gpuLayers(p.getGpuLayers())
                .poolSize(p.getPoolSize()).allowedMediaDirectory(p.getAllowedMediaDirectory())
                .allowRemoteMedia(p.isAllowRemoteMedia()).allowedMediaHosts(p.getAllowedMediaHosts());
        resolver.ifAvailable(b::mediaResolver); // a bean of this type replaces DNS and sockets (tests)
        if (p.getThreads() > 0) {
            b.threads(p.getThreads());
        }
        if (p.getModel() != null) {
            b.modelPath(p.getModel()).mmprojPath(p.getMmproj());
        } else {
            b.huggingFace(p.getHuggingFace());
        }
        return b.build();
    }

    @Bean
    @ConditionalOnMissingBean
    public LlamaChatModel llamaPanamaChatModel(LocalModel model, LlamaProperties p) {
        return new LlamaChatModel(model, ChatOptions.builder().model(model.name()).temperature(p.getTemperature())
                .maxTokens(p.getMaxTokens()).build());
    }

    @Bean
    @ConditionalOnMissingBean
    public LlamaEmbeddingModel llamaPanamaEmbeddingModel(LocalModel model) {
        return new LlamaEmbeddingModel(model);
    }

    /** {@code model} or {@code hugging-face} is set. */
    static final class ModelConfigured extends AnyNestedCondition {
        ModelConfigured() {
            super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = LlamaProperties.PREFIX, name = "model")
        static final class Model {}

        @ConditionalOnProperty(prefix = LlamaProperties.PREFIX, name = "hugging-face")
        static final class HuggingFace {}
    }
}
