package io.github.llamapanama.chat.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.interpret.CollectionTooBigException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chat template (the Jinja text in a model's {@code tokenizer.chat_template}) rendered by
 * Jinjava, set up as Hugging Face's {@code apply_chat_template} and llama.cpp's minja set up
 * Jinja: blocks trimmed and left-stripped, {@code tojson} as Python's {@code json.dumps},
 * {@code raise_exception} and {@code strftime_now}, and the Python string methods templates
 * call ({@code startswith}, {@code endswith}, {@code strip}, {@code lstrip}, {@code rstrip},
 * {@code upper}, {@code lower}) mapped onto Java's. Message text is data, never evaluated as a
 * template. Thread-safe.
 *
 * <p>The template is untrusted code (it comes with the model file): {@code include},
 * {@code import}, {@code from} and {@code extends} are refused, and every render runs under a
 * {@link RenderBudget} of time and loop iterations; both end in a {@link TemplateException}
 * whose {@link TemplateException#unsafeTemplate()} is true.
 */
public final class JinjaTemplate {
    private static final Jinjava ENGINE = engine();
    private static final Pattern TAG = Pattern.compile("\\{\\{.*?\\}\\}|\\{%.*?%\\}", Pattern.DOTALL);
    private static final String[][] PYTHON_METHODS = {
            {".startswith(", ".startsWith("}, {".endswith(", ".endsWith("},
            {".upper()", ".toUpperCase()"}, {".lower()", ".toLowerCase()"},
            {".lstrip()", ".stripLeading()"}, {".rstrip()", ".stripTrailing()"},
            {".keys()", ".keySet()"},
    };

    /** Parsed templates by source: a server renders the same one for every request. */
    private static final Map<String, JinjaTemplate> CACHE = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, JinjaTemplate> eldest) {
                    return size() > 16;
                }
            });

    static {
        prime();
    }

    private final String source;
    private final String prepared;
    private volatile Node parsed; // parsed on first render; render-only afterwards

    private JinjaTemplate(String source) {
        this.source = source;
        this.prepared = pythonMethods(source);
    }

    /** Prepares a template (parsed once per source); errors in it show when it is {@linkplain #render rendered}. */
    public static JinjaTemplate of(String source) {
        return CACHE.computeIfAbsent(source, JinjaTemplate::new);
    }

    /** {@link #warmUp(RenderBudget)} under the {@linkplain RenderBudget#defaults() default budget}. */
    public JinjaTemplate warmUp() {
        return warmUp(RenderBudget.defaults());
    }

    /**
     * Loads the engine, parses the template and renders a one-message conversation, ahead of the
     * first real render (a server calls it at start). A template that is not safe to run is
     * refused here, at load: one with a forbidden tag anywhere, or one that runs past the budget.
     * Other failures (the template's own {@code raise_exception}, what Jinjava cannot run) are left
     * to the first real render to report.
     *
     * @throws TemplateException if the template is refused as unsafe ({@link TemplateException#unsafeTemplate()})
     */
    public JinjaTemplate warmUp(RenderBudget budget) {
        try {
            render(Map.of("messages", java.util.List.of(Map.of("role", "user", "content", "warm-up")),
                    "add_generation_prompt", true), budget);
        } catch (TemplateException e) {
            if (e.unsafeTemplate()) {
                throw e;
            }
            // the first real render reports it
        }
        return this;
    }

    /** True when the text uses Jinja syntax (the name of a llama.cpp built-in template does not). */
    public static boolean looksLikeJinja(String text) {
        return text.contains("{{") || text.contains("{%");
    }

    public String source() {
        return source;
    }

    /** {@link #render(Map, RenderBudget)} under the {@linkplain RenderBudget#defaults() default budget}. */
    public String render(Map<String, ?> variables) {
        return render(variables, RenderBudget.defaults());
    }

    /**
     * Renders with these variables ({@code messages}, {@code tools}, {@code add_generation_prompt},
     * {@code bos_token}, ...), within this budget.
     *
     * @throws TemplateException if the template raised an exception, Jinjava cannot render it, it
     *                           uses a forbidden tag or it ran past the budget ({@link TemplateException#reason()})
     */
    public String render(Map<String, ?> variables, RenderBudget budget) {
        java.util.Objects.requireNonNull(budget, "budget");
        String output;
        List<TemplateError> errors;
        JinjavaInterpreter interpreter = ENGINE.newInterpreter();
        interpreter.getContext().putAll(variables);
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            Node node = parsed;
            if (node == null) {
                node = interpreter.parse(prepared);
                Sandbox.scan(node);
                if (interpreter.getErrorsCopy().stream().noneMatch(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)) {
                    parsed = node;
                }
            }
            try (RenderMeter meter = RenderMeter.start(budget)) { // parsing is not the template's doing
                try {
                    output = interpreter.render(node, true);
                } catch (RuntimeException e) {
                    if (meter.failure() != null) {
                        throw meter.failure();
                    }
                    throw e;
                }
                if (meter.failure() != null) {
                    throw meter.failure();
                }
            }
            errors = interpreter.getErrorsCopy();
        } catch (TemplateException e) {
            throw e;
        } catch (TemplateFunctions.Raised e) {
            throw new TemplateException(e.getMessage(), true);
        } catch (RuntimeException e) {
            throw new TemplateException("the chat template cannot be rendered: " + e.getMessage(), false);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        for (TemplateError error : errors) {
            if (error.getSeverity() != TemplateError.ErrorType.FATAL) {
                continue;
            }
            boolean tooBig = error.getReason() == TemplateError.ErrorReason.OUTPUT_TOO_BIG
                    || error.getReason() == TemplateError.ErrorReason.COLLECTION_TOO_BIG;
            for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                if (t instanceof TemplateFunctions.Raised r) {
                    throw new TemplateException(r.getMessage(), true);
                }
                tooBig |= t instanceof OutputTooBigException || t instanceof CollectionTooBigException;
            }
            if (tooBig) { // a string or a list grown past the engine's limits: a memory bomb, not a Jinjava gap
                throw new TemplateException("the chat template ran past its render budget of output, string and list"
                        + " sizes (line " + error.getLineno() + "): " + error.getMessage(),
                        TemplateException.Reason.OVER_BUDGET);
            }
            throw new TemplateException("the chat template cannot be rendered (line " + error.getLineno() + "): "
                    + error.getMessage(), false);
        }
        return output;
    }

    /**
     * Renders a template that uses what chat templates use (loops, conditions, namespaces, macros,
     * filters, tests, Python string methods), so that the engine's classes load now and not inside
     * the first render's budget: on a slow machine, that class loading alone takes a large part of
     * a second, and a server's warm-up must not refuse a harmless template for it.
     */
    private static void prime() {
        String primer = "{%- macro show(m) -%}{{ m['role'] | upper }}: {{ m.content | trim }}{%- endmacro -%}"
                + "{%- set ns = namespace(n=0, last=none) -%}"
                + "{%- for m in messages if m.role != 'tool' -%}{%- set ns.n = ns.n + 1 -%}"
                + "{%- if loop.first and m['content'].startswith('p') %}{{ show(m) }}{% elif m.content is string %}"
                + "{{ m.content.strip() ~ (m.content | length) }}{% else %}{{ m | tojson }}{% endif -%}"
                + "{%- endfor -%}{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content')"
                + " | join(', ') }}{% for k, v in {'a': 1}.items() %}{{ k }}{{ v | string }}{% endfor %}"
                + "{{ tools | default([]) | tojson(indent=2) }}{{ ns.n }}";
        try {
            new JinjaTemplate(primer).render(Map.of("messages", List.of(Map.of("role", "user", "content", " prime ")),
                    "add_generation_prompt", true), new RenderBudget(java.time.Duration.ofMinutes(1), 1_000_000));
        } catch (RuntimeException e) {
            // only a head start; the real renders report their own errors
        }
    }

    /** Python's string methods, renamed to Java's inside Jinja tags only. */
    static String pythonMethods(String source) {
        Matcher m = TAG.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String tag = m.group();
            for (String[] pair : PYTHON_METHODS) {
                tag = tag.replace(pair[0], pair[1]);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(tag));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Jinjava engine() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withNestedInterpretationEnabled(false)
                .withMaxOutputSize(64L << 20)
                .withMaxStringLength(64L << 20) // what join and replace may build
                .withMaxListSize(1 << 20) // lists and dicts a template builds (a list doubled in a loop)
                .withMaxMapSize(1 << 20)
                .withProcessors(JinjavaProcessors.newBuilder()
                        .withNodePreProcessor((node, interpreter) -> RenderMeter.checkCurrent())
                        .build())
                .withFailOnUnknownTokens(false)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true) // {{- ... -}} as in Jinja
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withKeepNullableLoopValues(true)
                        .withUsePyishObjectMapper(true)
                        .build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        Sandbox.install(jinjava);
        jinjava.getGlobalContext().registerFilter(new ToJson());
        try {
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                    TemplateFunctions.class.getMethod("raiseException", Object.class)));
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                    TemplateFunctions.class.getMethod("strftimeNow", String.class)));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
        return jinjava;
    }

    /** {@code tojson} as Hugging Face defines it: {@code json.dumps(x, ensure_ascii=False)}, optional indent. */
    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            int indent = args.length > 0 && args[0] != null && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : -1;
            return PythonJson.dumps(var, indent);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.get("indent");
            if (indent == null && args.length > 0) {
                indent = args[0];
            }
            return PythonJson.dumps(var, indent instanceof Number n ? n.intValue() : -1);
        }
    }
}
