package io.github.llamapanama.spring;

import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.sampling.SamplingParams;
import org.springframework.ai.chat.prompt.ChatOptions;

import java.util.List;

/** Spring AI chat options (a prompt's over the model's defaults) as llama.cpp settings. */
final class SpringOptions {
    private SpringOptions() {}

    record Plan(SamplingParams sampling, GenerationParams generation) {}

    static Plan plan(ChatOptions defaults, ChatOptions request) {
        SamplingParams.Builder s = SamplingParams.builder();
        Double temperature = pick(request == null ? null : request.getTemperature(), defaults.getTemperature());
        if (temperature != null) {
            s.temperature(temperature.floatValue());
        }
        Double topP = pick(request == null ? null : request.getTopP(), defaults.getTopP());
        if (topP != null) {
            s.topP(topP.floatValue());
        }
        Integer topK = pick(request == null ? null : request.getTopK(), defaults.getTopK());
        if (topK != null) {
            s.topK(topK);
        }
        Double frequency = pick(request == null ? null : request.getFrequencyPenalty(), defaults.getFrequencyPenalty());
        if (frequency != null) {
            s.penaltyFreq(frequency.floatValue());
        }
        Double presence = pick(request == null ? null : request.getPresencePenalty(), defaults.getPresencePenalty());
        if (presence != null) {
            s.penaltyPresent(presence.floatValue());
        }
        GenerationParams g = GenerationParams.defaults();
        Integer max = pick(request == null ? null : request.getMaxTokens(), defaults.getMaxTokens());
        if (max != null) {
            g = g.withMaxTokens(max);
        }
        List<String> stops = pick(request == null ? null : request.getStopSequences(), defaults.getStopSequences());
        if (stops != null && !stops.isEmpty()) {
            g = g.withStopStrings(stops.toArray(String[]::new));
        }
        return new Plan(s.build(), g);
    }

    private static <T> T pick(T first, T fallback) {
        return first != null ? first : fallback;
    }
}
