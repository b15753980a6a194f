package io.github.llamapanama.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads llama-mtmd-cli's timings (b5582). mtmd's helper prints its progress on standard output,
 * one block of lines before the answer (a sliced image has an encode line a slice);
 * llama_perf_context_print prints the prompt and answer decodes on standard error at the end.
 * The answer is model output and may hold anything, so only the helper's block is read.
 */
final class MtmdCliParser {
    private static final Pattern ENCODING = Pattern.compile("encoding (image|audio) slice\\.\\.\\.");
    private static final Pattern ENCODED = Pattern.compile("(image|audio) slice encoded in (\\d+) ms");
    private static final Pattern DECODING = Pattern.compile(
            "decoding (image|audio) batch \\d+/\\d+, n_tokens_batch = (\\d+)");
    private static final Pattern DECODED = Pattern.compile("(image|audio) decoded \\(batch \\d+/\\d+\\) in \\d+ ms");
    private static final Pattern PROMPT_EVAL = Pattern.compile(
            "(?m)^llama_perf_context_print: prompt eval time =\\s*([0-9.]+) ms /\\s*(\\d+) tokens");
    private static final Pattern EVAL = Pattern.compile(
            "(?m)^llama_perf_context_print:\\s+eval time =\\s*([0-9.]+) ms /\\s*(\\d+) runs");

    private MtmdCliParser() {}

    /**
     * The figures of one run.
     *
     * @throws IllegalArgumentException naming the line that is missing
     */
    static MtmdCliResult parse(String stdout, String stderr) {
        long encode = 0;
        long mediaTokens = 0;
        int encodes = 0;
        int batches = 0;
        boolean inBlock = false;
        for (String line : stdout.split("\\R")) {
            Matcher m;
            if (ENCODING.matcher(line).matches() || DECODED.matcher(line).matches()) {
                inBlock = true;
            } else if ((m = ENCODED.matcher(line)).matches()) {
                encode += Long.parseLong(m.group(2));
                encodes++;
                inBlock = true;
            } else if ((m = DECODING.matcher(line)).matches()) {
                mediaTokens += Long.parseLong(m.group(2));
                batches++;
                inBlock = true;
            } else if (inBlock) {
                break; // the end of the helper's block: the answer follows
            }
        }
        if (encodes == 0) {
            throw missing("image slice encoded in N ms");
        }
        if (batches == 0) {
            throw missing("decoding image batch ..., n_tokens_batch = N");
        }
        Matcher prompt = find(PROMPT_EVAL, stderr, "llama_perf_context_print: prompt eval time");
        Matcher eval = find(EVAL, stderr, "llama_perf_context_print: eval time");
        return new MtmdCliResult(encode, (int) mediaTokens, Double.parseDouble(prompt.group(1)),
                Integer.parseInt(prompt.group(2)), Double.parseDouble(eval.group(1)), Integer.parseInt(eval.group(2)));
    }

    private static Matcher find(Pattern p, String text, String what) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw missing(what);
        }
        return m;
    }

    private static IllegalArgumentException missing(String what) {
        return new IllegalArgumentException("llama-mtmd-cli printed no '" + what + "' line");
    }
}
