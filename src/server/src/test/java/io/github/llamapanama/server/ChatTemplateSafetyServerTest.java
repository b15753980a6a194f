package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llamapanama.chat.jinja.TemplateException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model's chat template is untrusted code (issue #26): one that runs past its render budget
 * fails its request with a 500 naming the template, and the server serves the next request; one
 * that is hostile from the start (a forbidden tag anywhere, a budget overrun on the warm-up's
 * conversation) is refused when the server starts.
 */
class ChatTemplateSafetyServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHATML = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content']"
            + " + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    private static final String BILLION = "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
            + "{% endfor %}{% endfor %}{% endfor %}";
    /** Passes the warm-up's one-message conversation; a billion loop iterations once there are two messages. */
    private static final String HOSTILE_LATER = "{% if messages | length > 1 %}" + BILLION + "{% endif %}" + CHATML;
    private static LlamaServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(b -> b.chatTemplate(HOSTILE_LATER));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> chat(String messages) throws Exception {
        return TestServers.post(server, "/v1/chat/completions", "{\"messages\":" + messages + ",\"max_tokens\":2}", null);
    }

    @Test
    void aRenderPastTheBudgetIsA500NamingTheTemplateAndTheServerKeepsServing() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = chat("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"},"
                + "{\"role\":\"user\",\"content\":\"again\"}]");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(500, r.statusCode(), r.body());
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertEquals("server_error", e.get("type").asText(), r.body());
        assertEquals("chat_template_error", e.get("code").asText(), r.body());
        assertTrue(e.get("message").asText().contains("chat template") && e.get("message").asText().contains("budget"),
                r.body());
        assertTrue(ms < 10_000, "answered after " + ms + " ms");

        HttpResponse<String> next = chat("[{\"role\":\"user\",\"content\":\"hi\"}]");
        assertEquals(200, next.statusCode(), next.body());
        assertEquals("chat.completion", JSON.readTree(next.body()).get("object").asText(), next.body());
    }

    @Test
    void aHostileTemplateIsRefusedAtStart() {
        TemplateException loops = assertThrows(TemplateException.class,
                () -> TestServers.start(b -> b.chatTemplate(BILLION + CHATML)).close());
        assertEquals(TemplateException.Reason.OVER_BUDGET, loops.reason());
        TemplateException include = assertThrows(TemplateException.class, () -> TestServers.start(
                b -> b.chatTemplate("{% if tools %}{% include 'META-INF/MANIFEST.MF' %}{% endif %}" + CHATML)).close());
        assertEquals(TemplateException.Reason.FORBIDDEN_TAG, include.reason());
        assertTrue(include.getMessage().contains("{% include %}"), include.getMessage());
    }
}
