package io.github.llamapanama.bench.server;

import java.nio.file.Path;
import java.util.List;

/**
 * What the server benchmark runs, the same for both servers.
 *
 * @param model             the GGUF model both servers load
 * @param mmproj            the projector both load; null skips the image tests
 * @param slots             parallel slots of each server
 * @param slotContext       tokens per slot (llama-server gets -c slots * slotContext)
 * @param threads           CPU threads of each server
 * @param reps              repetitions of each figure, the two servers alternating
 * @param decodeTokens      answer length of the single-stream decode tests
 * @param clients           concurrent client counts of the throughput test
 * @param requestsPerClient requests each client sends, one after another, in the throughput test
 * @param answerTokens      answer length of the throughput and image tests
 * @param longPrompt        prompt tokens (about) of the request admitted during a running stream
 * @param llamaServer       the llama-server executable
 */
public record ServerBenchSettings(Path model, Path mmproj, int slots, int slotContext, int threads, int reps,
                                  int decodeTokens, List<Integer> clients, int requestsPerClient, int answerTokens,
                                  int longPrompt, Path llamaServer) {

    public ServerBenchSettings {
        clients = List.copyOf(clients);
        if (slots < 1 || threads < 1 || reps < 1 || decodeTokens < 2 || requestsPerClient < 1 || answerTokens < 1) {
            throw new IllegalArgumentException("slots, threads, reps, tokens and requests must be positive");
        }
        if (longPrompt + 64 > slotContext) {
            throw new IllegalArgumentException("a slot of " + slotContext + " tokens cannot hold the long prompt of "
                    + longPrompt);
        }
    }

    /** The defaults: 4 slots of 4096 tokens, 3 reps, 128-token decode, 1/4/16 clients, a 1,500-token prompt. */
    public static ServerBenchSettings defaults(Path model, Path mmproj, int threads, Path llamaServer) {
        return new ServerBenchSettings(model, mmproj, 4, 4096, threads, 3, 128, List.of(1, 4, 16), 2, 32, 1500,
                llamaServer);
    }

    public ServerBenchSettings withReps(int n) {
        return new ServerBenchSettings(model, mmproj, slots, slotContext, threads, n, decodeTokens, clients,
                requestsPerClient, answerTokens, longPrompt, llamaServer);
    }

    public ServerBenchSettings withSlots(int n) {
        return new ServerBenchSettings(model, mmproj, n, slotContext, threads, reps, decodeTokens, clients,
                requestsPerClient, answerTokens, longPrompt, llamaServer);
    }

    public ServerBenchSettings withClients(List<Integer> counts) {
        return new ServerBenchSettings(model, mmproj, slots, slotContext, threads, reps, decodeTokens, counts,
                requestsPerClient, answerTokens, longPrompt, llamaServer);
    }
}
