package io.github.llamapanama.bench.server;

import io.github.llamapanama.bench.Summary;

import java.util.Arrays;
import java.util.Locale;

/**
 * What the "image, new chat" figure is made of. Its target (< 0.2x llama-server) assumes that the
 * image encode dominates the request; what no embedding cache can skip is the prefill of the
 * image's embeddings after another system prompt and the answer. This note shows both servers'
 * own timings and how much of llama-server's time one encode is, measured by llama-panama's
 * encoder on the same machine (the same ggml code, as {@code bench}'s image test shows).
 *
 * @param java          llama-panama's answers, one per rep
 * @param llama         llama-server's answers, one per rep
 * @param encodes       images llama-panama encoded during these requests (0: all from its cache)
 * @param encodeMillis  mean time of one encode on llama-panama's server; NaN if it encoded none yet
 */
record NewChatFloor(OpenAiClient.Answer[] java, OpenAiClient.Answer[] llama, long encodes, double encodeMillis) {

    String note() {
        double llamaTotal = median(llama, a -> a.nanos() / 1e6);
        String s = String.format(Locale.ROOT, "image, new chat: llama-panama encoded %d of %d images (the rest came"
                        + " from its image cache); median prompt %.0f ms + answer %.0f ms, against llama-server's"
                        + " prompt %.0f ms (its encode included) + answer %.0f ms.", encodes, java.length,
                median(java, OpenAiClient.Answer::promptMillis), median(java, OpenAiClient.Answer::predictedMillis),
                median(llama, OpenAiClient.Answer::promptMillis), median(llama, OpenAiClient.Answer::predictedMillis));
        if (Double.isNaN(encodeMillis) || encodeMillis >= llamaTotal) {
            return s;
        }
        return s + String.format(Locale.ROOT, " One encode takes %.0f ms here: without it llama-server would take about"
                        + " %.0f ms, %.2fx of its time, the floor of this figure on this machine for a server"
                        + " that skips the encode and still reads the image's embeddings after the new system prompt.",
                encodeMillis, llamaTotal - encodeMillis, (llamaTotal - encodeMillis) / llamaTotal);
    }

    private static double median(OpenAiClient.Answer[] answers, java.util.function.ToDoubleFunction<OpenAiClient.Answer> f) {
        double[] v = Arrays.stream(answers).mapToDouble(f).filter(x -> !Double.isNaN(x)).toArray();
        return v.length == 0 ? Double.NaN : Summary.of(v).median();
    }
}
