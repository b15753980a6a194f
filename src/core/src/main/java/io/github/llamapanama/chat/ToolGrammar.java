package io.github.llamapanama.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.llamapanama.sampling.GrammarTrigger;
import io.github.llamapanama.sampling.JsonSchemaGrammar;
import io.github.llamapanama.sampling.SamplingParams;

import java.util.ArrayList;
import java.util.List;

/**
 * Constrains sampling to tool calls in the Hermes format, as llama-server does: for
 * {@link ToolChoice.Required} and {@link ToolChoice.Function} a grammar admits only
 * {@code <tool_call>{"name": "<a tool>", "arguments": <its schema>}</tool_call>} blocks (then the
 * end of the turn); for {@link ToolChoice.Auto} the same grammar is lazy, woken by the
 * {@code <tool_call>} marker, so free text stays free but a call, once begun, is well formed.
 * Each tool's arguments follow its parameters schema where {@link JsonSchemaGrammar} supports
 * it, and any JSON object where it does not.
 */
public final class ToolGrammar {
    private ToolGrammar() {
    }

    /**
     * The GBNF grammar for calls of {@code tools} (only the named one for a
     * {@link ToolChoice.Function}); one call, or several when {@code parallel}.
     *
     * @throws IllegalArgumentException if a named function is not among the tools
     */
    public static String grammar(List<ToolSpec> tools, ToolChoice choice, boolean parallel) {
        List<ToolSpec> allowed = tools;
        if (choice instanceof ToolChoice.Function f) {
            allowed = tools.stream().filter(t -> t.name().equals(f.name())).toList();
            if (allowed.isEmpty()) {
                throw new IllegalArgumentException("tool_choice names '" + f.name() + "', which is not among the tools");
            }
        }
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("no tools to call");
        }
        JsonSchemaGrammar g = JsonSchemaGrammar.create().maxWhitespace(2); // Hermes calls are one-line JSON
        List<String> alternatives = new ArrayList<>();
        for (ToolSpec t : allowed) {
            String args = arguments(g, t.parametersTree());
            alternatives.add(JsonSchemaGrammar.literal("\"name\"") + " ws \":\" ws "
                    + JsonSchemaGrammar.literal("\"" + t.name() + "\"") + " ws \",\" ws "
                    + JsonSchemaGrammar.literal("\"arguments\"") + " ws \":\" ws " + args);
        }
        String body = g.rule(String.join(" | ", alternatives));
        String call = g.rule(JsonSchemaGrammar.literal(HermesFormat.OPEN) + " ws \"{\" ws " + body + " ws \"}\" ws "
                + JsonSchemaGrammar.literal(HermesFormat.CLOSE));
        return g.grammar(parallel ? call + " ( ws " + call + " )*" : call);
    }

    /**
     * Adds the constraint for {@code choice} to sampling parameters: nothing for
     * {@link ToolChoice.None} or no tools, a lazy grammar for auto, a grammar otherwise.
     */
    public static SamplingParams.Builder constrain(SamplingParams.Builder sampling, List<ToolSpec> tools,
                                                   ToolChoice choice, boolean parallel) {
        if (tools.isEmpty() || choice instanceof ToolChoice.None) {
            return sampling;
        }
        sampling.grammar(grammar(tools, choice, parallel));
        if (choice instanceof ToolChoice.Auto) {
            sampling.grammarLazy(true).grammarTriggers(List.of(GrammarTrigger.word(HermesFormat.OPEN)));
        } else {
            sampling.grammarLazy(false).grammarTriggers(List.of());
        }
        return sampling;
    }

    private static String arguments(JsonSchemaGrammar g, JsonNode schema) {
        try {
            return g.schema(schema);
        } catch (JsonSchemaGrammar.UnsupportedSchemaException e) {
            return "object"; // a schema beyond the subset: any JSON object still parses as arguments
        }
    }
}
