package io.github.llamapanama.chat;

import io.github.llamapanama.chat.jinja.JinjaTemplate;
import io.github.llamapanama.chat.jinja.RenderBudget;
import io.github.llamapanama.chat.jinja.TemplateException;
import io.github.llamapanama.fixtures.ChatTemplates;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every chat template the project ships or generates renders under the default
 * {@link RenderBudget}, and so do the real templates of the pinned llama.cpp checkout
 * (models/templates, when build-native.sh has fetched it): none is refused as unsafe, on a short
 * conversation, a longer one and one with tools, tool calls and tool results. Prints the render
 * times, to show how far within the budget they are.
 */
class JinjaRealTemplatesTest {
    private static final int REPEATS = 10;

    private static final ToolSpec WEATHER = ToolSpec.of("get_weather", "Weather in a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"description\":\"the city\"},"
                    + "\"days\":{\"type\":\"integer\"}},\"required\":[\"city\"]}");
    private static final ToolSpec TIME = ToolSpec.of("get_time", "The time now",
            "{\"type\":\"object\",\"properties\":{\"utc\":{\"type\":\"boolean\"}}}");

    private record Conversation(String name, List<ChatMessage> messages, List<ToolSpec> tools) {
    }

    private static List<Conversation> conversations() {
        List<ChatMessage> longer = new ArrayList<>(List.of(ChatMessage.system("You are terse.")));
        for (int i = 0; i < 20; i++) {
            longer.add(ChatMessage.user("Question " + i + ": what is " + i + " squared?"));
            longer.add(ChatMessage.assistant("It is " + i * i + "."));
        }
        longer.add(ChatMessage.user("Thanks."));
        return List.of(
                new Conversation("one user message", List.of(ChatMessage.user("Hi")), List.of()),
                new Conversation("41 messages", longer, List.of()),
                new Conversation("tools", List.of(ChatMessage.system("Use the tools."),
                        ChatMessage.user("Weather in Paris?"),
                        ChatMessage.assistant("", List.of(new ToolCall("call_1", "get_weather",
                                "{\"city\": \"Paris\", \"days\": 2}"))),
                        ChatMessage.tool("call_1", "{\"temperature\": 21}"),
                        ChatMessage.assistant("21 degrees."),
                        ChatMessage.user("And the time?")), List.of(WEATHER, TIME)));
    }

    /** Name to source: what the project ships (test data) and generates (the fixtures), then llama.cpp's. */
    private static Map<String, String> templates() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("testdata/Qwen-Qwen2.5-7B-Instruct.jinja", Files.readString(TestData.file("Qwen-Qwen2.5-7B-Instruct.jinja")));
        out.put("fixtures: ChatTemplates.INTERNVL3", ChatTemplates.INTERNVL3);
        Path llamaCpp = Path.of(System.getProperty("llama.panama.cache",
                System.getProperty("user.home") + "/.cache/llama-panama"), "llama.cpp", "models", "templates");
        if (Files.isDirectory(llamaCpp)) {
            try (Stream<Path> files = Files.list(llamaCpp)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".jinja")).sorted().toList()) {
                    out.put("llama.cpp/" + f.getFileName(), Files.readString(f));
                }
            }
        }
        return out;
    }

    private static boolean shipped(String name) {
        return !name.startsWith("llama.cpp/");
    }

    @Test
    void everyTemplateRendersWellWithinTheDefaultBudget() throws IOException {
        RenderBudget budget = RenderBudget.defaults();
        // the engine starts (and primes itself) when the class loads, outside any render: not timed here
        assertTrue(JinjaTemplate.looksLikeJinja("{{ x }}"));
        List<String> problems = new ArrayList<>();
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "%-64s %-17s %9s %9s %9s  %s%n",
                "template", "conversation", "cold ms", "median ms", "max ms", "outcome"));
        double slowest = 0;
        for (Map.Entry<String, String> t : templates().entrySet()) {
            for (Conversation c : conversations()) {
                Map<String, Object> vars = TemplateInput.variables(c.messages(), c.tools(), true,
                        TemplateInput.Capabilities.of(t.getValue()), "<s>", "</s>");
                double[] ms = new double[REPEATS + 1];
                String outcome = "rendered";
                for (int i = 0; i <= REPEATS; i++) {
                    long start = System.nanoTime();
                    try {
                        JinjaTemplate.of(t.getValue()).render(vars, budget);
                    } catch (TemplateException e) {
                        if (e.unsafeTemplate() || shipped(t.getKey())) {
                            problems.add(t.getKey() + " / " + c.name() + ": " + e.reason() + ": " + e.getMessage());
                        }
                        outcome = e.reason() + ": " + e.getMessage().lines().findFirst().orElse("");
                        if (outcome.length() > 90) {
                            outcome = outcome.substring(0, 90) + "...";
                        }
                    }
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
                double[] warm = Arrays.copyOfRange(ms, 1, ms.length);
                Arrays.sort(warm);
                slowest = Math.max(slowest, Math.max(ms[0], warm[warm.length - 1]));
                report.append(String.format(Locale.ROOT, "%-64s %-17s %9.2f %9.2f %9.2f  %s%n", t.getKey(), c.name(),
                        ms[0], warm[warm.length / 2], warm[warm.length - 1], outcome));
            }
        }
        report.append(String.format(Locale.ROOT, "slowest render: %.2f ms; budget: %d ms and %d loop iterations%n",
                slowest, budget.time().toMillis(), budget.loopIterations()));
        System.out.print(report);
        assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + report);
        assertTrue(slowest < budget.time().toMillis(), report.toString());
    }
}
