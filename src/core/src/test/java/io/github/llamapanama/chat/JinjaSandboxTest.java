package io.github.llamapanama.chat;

import io.github.llamapanama.chat.jinja.JinjaTemplate;
import io.github.llamapanama.chat.jinja.RenderBudget;
import io.github.llamapanama.chat.jinja.TemplateException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chat template is untrusted code (issue #26): each probe of the table, through the
 * path the server and ToolChatSession take ({@code JinjaTemplate.of(source).render(...)}).
 */
class JinjaSandboxTest {
    private static final Map<String, Object> ONE_MESSAGE = Map.of(
            "messages", List.of(Map.of("role", "user", "content", "Hi")), "add_generation_prompt", true);
    private static final String CHATML = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content']"
            + " + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    /** Three nested loops of a thousand: a billion iterations in 130 characters (23.6 s of CPU before the budget). */
    static final String NESTED_LOOPS = "{% set ns = namespace(n=0) %}{% for a in range(1000) %}{% for b in range(1000) %}"
            + "{% for c in range(1000) %}{% set ns.n = ns.n + 1 %}{% endfor %}{% endfor %}{% endfor %}{{ ns.n }}";

    private static TemplateException refused(String source) {
        return assertThrows(TemplateException.class, () -> JinjaTemplate.of(source).render(ONE_MESSAGE));
    }

    private static void assertNormalRenderStillWorks() {
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", JinjaTemplate.of(CHATML).render(ONE_MESSAGE));
    }

    @Test
    void javaReflectionIsRefused() {
        for (String source : List.of("{{ ''.getClass().forName('java.lang.Runtime') }}", "{{ messages.getClass() }}",
                "{{ messages.getClass().getClassLoader() }}")) {
            String out;
            try {
                out = JinjaTemplate.of(source).render(ONE_MESSAGE);
            } catch (TemplateException e) {
                continue; // refused loudly
            }
            assertFalse(out.contains("class") || out.contains("Runtime") || out.contains("Loader"), source + " -> " + out);
        }
    }

    @Test
    void includeOfAFileIsRefusedNamingTheTag() {
        TemplateException e = refused("{% include '/etc/passwd' %}");
        assertEquals(TemplateException.Reason.FORBIDDEN_TAG, e.reason());
        assertTrue(e.unsafeTemplate());
        assertTrue(e.getMessage().contains("{% include %}"), e.getMessage());
    }

    @Test
    void includeOfAClassPathResourceIsRefused() {
        // rendered the class path's manifest before: any resource of the application could reach the prompt
        TemplateException e = refused("A{% include 'META-INF/MANIFEST.MF' %}B");
        assertEquals(TemplateException.Reason.FORBIDDEN_TAG, e.reason());
        assertTrue(e.getMessage().contains("{% include %}"), e.getMessage());
        assertFalse(e.getMessage().contains("Manifest-Version"), e.getMessage());
    }

    @Test
    void importFromAndExtendsAreRefusedNamingTheTag() {
        for (String[] probe : new String[][]{
                {"import", "{% import 'META-INF/MANIFEST.MF' as m %}{{ m }}"},
                {"from", "{% from 'META-INF/MANIFEST.MF' import x %}{{ x }}"},
                {"extends", "{% extends 'META-INF/MANIFEST.MF' %}"},
                {"include", "{%- include 'x.jinja' ignore missing -%}"}}) {
            TemplateException e = refused(probe[1]);
            assertEquals(TemplateException.Reason.FORBIDDEN_TAG, e.reason(), probe[1]);
            assertTrue(e.getMessage().contains("{% " + probe[0] + " %}"), e.getMessage());
        }
    }

    @Test
    void aForbiddenTagInABranchNotTakenIsRefusedAllTheSame() {
        String source = "{% if messages | length > 5 %}{% include 'META-INF/MANIFEST.MF' %}{% endif %}ok";
        TemplateException e = refused(source);
        assertEquals(TemplateException.Reason.FORBIDDEN_TAG, e.reason());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        // and in a macro never called
        e = refused("{% macro m() %}{% from 'a' import b %}{% endmacro %}ok");
        assertTrue(e.getMessage().contains("{% from %}"), e.getMessage());
    }

    @Test
    void aHugeRangeIsCappedWithinTheBudget() {
        long start = System.nanoTime();
        String out = JinjaTemplate.of("{% for i in range(100000000) %}x{% endfor %}").render(ONE_MESSAGE);
        assertTrue(out.length() <= 1000, "Jinjava's range limit: " + out.length());
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }

    @Test
    void threeNestedLoopsAreCutOffWithinTheBudgetAndTheNextRenderIsServed() {
        long start = System.nanoTime();
        TemplateException e = refused(NESTED_LOOPS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(TemplateException.Reason.OVER_BUDGET, e.reason());
        assertTrue(e.unsafeTemplate());
        // whichever bound comes first: a million iterations of this body take about a second on a slow core
        assertTrue(e.getMessage().contains("1000000 loop iterations") || e.getMessage().contains("1000 ms"),
                e.getMessage());
        assertTrue(ms < 3000, "cut off after " + ms + " ms");
        assertNormalRenderStillWorks();
    }

    @Test
    void nestedLoopsWithoutABodyAreCountedToo() {
        TemplateException e = refused("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
                + "{% endfor %}{% endfor %}{% endfor %}");
        assertEquals(TemplateException.Reason.OVER_BUDGET, e.reason());
        assertTrue(e.getMessage().contains("1000000 loop iterations"), e.getMessage());
    }

    @Test
    void exponentialMacroCallsWithoutLoopsAreCutOffByTime() {
        // m0 renders a character; each m(k) calls m(k-1) twice: 2^30 calls without a single loop
        StringBuilder source = new StringBuilder("{% macro m0() %}x{% endmacro %}");
        for (int k = 1; k <= 30; k++) {
            source.append("{% macro m").append(k).append("() %}{{ m").append(k - 1).append("() }}{{ m")
                    .append(k - 1).append("() }}{% endmacro %}");
        }
        source.append("{{ m30() }}");
        long start = System.nanoTime();
        TemplateException e = refused(source.toString());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(TemplateException.Reason.OVER_BUDGET, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("1000 ms"), e.getMessage());
        assertTrue(ms < 3000, "cut off after " + ms + " ms");
        assertNormalRenderStillWorks();
    }

    @Test
    void aStringOrListDoubledInALoopStopsAtTheSizeLimits() {
        for (String source : List.of(
                "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l | length }}",
                "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}")) {
            long start = System.nanoTime();
            TemplateException e = refused(source);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(TemplateException.Reason.OVER_BUDGET, e.reason(), e.getMessage());
            assertTrue(ms < 3000, "stopped after " + ms + " ms");
        }
        assertNormalRenderStillWorks();
    }

    @Test
    void theBudgetIsConfigurable() {
        JinjaTemplate t = JinjaTemplate.of("{% for a in range(100) %}{% for b in range(100) %}.{% endfor %}{% endfor %}");
        assertEquals(10_000, t.render(ONE_MESSAGE).length());
        TemplateException iterations = assertThrows(TemplateException.class,
                () -> t.render(ONE_MESSAGE, RenderBudget.defaults().withLoopIterations(5_000)));
        assertTrue(iterations.getMessage().contains("5000 loop iterations"), iterations.getMessage());
        TemplateException time = assertThrows(TemplateException.class,
                () -> JinjaTemplate.of(NESTED_LOOPS).render(ONE_MESSAGE,
                        new RenderBudget(Duration.ofMillis(50), Long.MAX_VALUE)));
        assertTrue(time.getMessage().contains("50 ms"), time.getMessage());
        assertEquals(TemplateException.Reason.OVER_BUDGET, time.reason());
        assertThrows(IllegalArgumentException.class, () -> new RenderBudget(Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new RenderBudget(Duration.ofSeconds(1), 0));
    }

    @Test
    void fromyamlIsNotAvailableSoNoYamlGadgetIsParsed() {
        String gadget = "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\\\"http://127.0.0.1:1/\\\"]]]]";
        TemplateException e = refused("{% set x = \"" + gadget + "\" | fromyaml %}{{ x }}");
        assertEquals(TemplateException.Reason.UNSUPPORTED, e.reason());
        assertTrue(e.getMessage().contains("fromyaml"), e.getMessage());
        for (String filter : List.of("toyaml", "ipaddr", "b64encode", "log", "root", "render")) {
            TemplateException f = refused("{{ '1' | " + filter + " }}");
            assertTrue(f.getMessage().contains("'" + filter + "'"), f.getMessage());
        }
    }

    @Test
    void aChatTemplateNeverHidesARefusalBehindTheBuiltInFallback() {
        ChatTemplate hostile = new ChatTemplate(NESTED_LOOPS);
        TemplateException e = assertThrows(TemplateException.class, () -> hostile.render(List.of(ChatMessage.user("Hi")), true));
        assertEquals(TemplateException.Reason.OVER_BUDGET, e.reason());
        e = assertThrows(TemplateException.class, () -> new ChatTemplate("{% include 'x' %}")
                .render(List.of(ChatMessage.user("Hi")), true));
        assertEquals(TemplateException.Reason.FORBIDDEN_TAG, e.reason());
    }

    @Test
    void aHostileTemplateIsRefusedAtLoadByTheWarmUp() {
        assertEquals(TemplateException.Reason.OVER_BUDGET,
                assertThrows(TemplateException.class, () -> new ChatTemplate(NESTED_LOOPS).warmUp()).reason());
        assertEquals(TemplateException.Reason.FORBIDDEN_TAG, assertThrows(TemplateException.class,
                () -> new ChatTemplate("{% if tools %}{% include 'x' %}{% endif %}" + CHATML).warmUp()).reason());
        // a template that refuses the warm-up's conversation, or that Jinjava cannot run, still loads
        ChatTemplate refusing = new ChatTemplate("{{ raise_exception('a system message first') }}");
        assertSame(refusing, refusing.warmUp());
        ChatTemplate budgeted = new ChatTemplate(CHATML).withBudget(RenderBudget.defaults().withLoopIterations(10));
        assertSame(budgeted, budgeted.warmUp());
        assertEquals(10, budgeted.budget().loopIterations());
        assertEquals(RenderBudget.defaults(), new ChatTemplate(CHATML).budget());
    }
}
