package io.github.llamapanama.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs llama-mtmd-cli once on one image and prompt, as the Java image test runs it: sampling at
 * temperature 0 ({@code --temp 0}), end-of-generation tokens banned ({@code --ignore-eos}) so that
 * every run decodes the same number of tokens, and llama-bench's context settings.
 */
final class MtmdCliTool {
    static final String NAME = "llama-mtmd-cli";
    /** common_params' n_ctx, which llama-mtmd-cli uses; given explicitly to both sides. */
    static final int CONTEXT_SIZE = 4096;
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final NativeTools tools;

    MtmdCliTool(NativeTools tools) {
        this.tools = tools;
    }

    /**
     * One run generating {@code nPredict} tokens.
     *
     * @throws IllegalStateException if it decoded another number of tokens than asked
     */
    MtmdCliResult run(Path model, Path mmproj, Path image, String prompt, int nPredict, int threads) {
        NativeTools.Output out = tools.execute(NAME, arguments(model, mmproj, image, prompt, nPredict, threads), TIMEOUT);
        MtmdCliResult r = MtmdCliParser.parse(out.stdout(), out.stderr());
        if (r.evalRuns() != nPredict - 1) {
            throw new IllegalStateException(NAME + " timed " + r.evalRuns() + " answer decodes, expected "
                    + (nPredict - 1) + " for " + nPredict + " tokens");
        }
        return r;
    }

    static List<String> arguments(Path model, Path mmproj, Path image, String prompt, int nPredict, int threads) {
        List<String> args = new ArrayList<>(List.of("-m", model.toString(), "--mmproj", mmproj.toString(),
                "--image", image.toString(), "-p", prompt, "--temp", "0", "--ignore-eos",
                "-n", String.valueOf(nPredict), "-t", String.valueOf(threads), "-c", String.valueOf(CONTEXT_SIZE)));
        args.addAll(LlamaBenchDefaults.toolArguments());
        return args;
    }
}
