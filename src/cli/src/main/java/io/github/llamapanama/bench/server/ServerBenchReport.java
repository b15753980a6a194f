package io.github.llamapanama.bench.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.llamapanama.bench.Comparison;
import io.github.llamapanama.bench.TableReport;

import java.util.List;
import java.util.Locale;

/**
 * The server benchmark's figures: llama-panama's server on the left, llama-server on the right.
 *
 * @param settings what ran
 * @param rows     one comparison per figure
 * @param notes    what was left out, and what the new chat's figure is made of
 */
public record ServerBenchReport(ServerBenchSettings settings, List<Comparison> rows, List<String> notes) {

    public ServerBenchReport {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "llama-panama serve vs llama-server (same build): %s%s, %d slots of %d"
                        + " tokens, %d threads, %d reps, median ± MAD [min-max]; both servers up, one client,"
                        + " alternating%n", settings.model().getFileName(),
                settings.mmproj() == null ? "" : " + " + settings.mmproj().getFileName(), settings.slots(),
                settings.slotContext(), settings.threads(), settings.reps()));
        out.append("  image chat, 2nd turn: the client resends the history and the image; image, new chat: the same"
                + " image after another system prompt; N clients: requests back to back, aggregate decode t/s and"
                + " latency percentiles; stream gap: the longest pause of a running stream while another client's"
                + " long prompt is admitted").append(System.lineSeparator());
        TableReport.header(out, "llama-panama", "llama-server");
        rows.forEach(r -> TableReport.comparison(out, r));
        notes.forEach(n -> out.append("  note: ").append(n).append(System.lineSeparator()));
        return out.toString();
    }

    public String json() {
        try {
            return OpenAiClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
