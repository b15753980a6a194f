package io.github.llamapanama.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Splits a model's answer, piece by piece as it streams, into text and tool calls in the Hermes
 * format ({@code <tool_call>{"name": ..., "arguments": ...}</tool_call>}). Text that may be the
 * start of a call is held back until it is known; a call is emitted once its block closes and
 * its JSON names one of the tools; a block that does not parse (or names an unknown tool, or
 * never closes) comes out as plain text, never as an error. Whitespace next to calls is
 * dropped. {@link #parse} runs the same on a whole answer, so streamed and whole answers agree.
 * Not thread-safe.
 */
public final class ToolCallStream {
    /** What the stream yields: text for the answer's content, or a complete call. */
    public sealed interface Event permits Text, Call {
    }

    public record Text(String text) implements Event {
    }

    public record Call(ToolCall call) implements Event {
    }

    /** A whole answer: its text (empty when it only calls tools) and its calls, in order. */
    public record Parsed(String content, List<ToolCall> toolCalls) {
        public Parsed {
            toolCalls = List.copyOf(toolCalls);
        }
    }

    private final List<ToolSpec> tools;
    private final StringBuilder pending = new StringBuilder(); // undecided text
    private final StringBuilder heldSpace = new StringBuilder(); // whitespace that may precede a call
    private boolean inCall;

    public ToolCallStream(List<ToolSpec> tools) {
        this.tools = List.copyOf(Objects.requireNonNull(tools, "tools"));
    }

    /** Parses a whole answer. */
    public static Parsed parse(String text, List<ToolSpec> tools) {
        ToolCallStream s = new ToolCallStream(tools);
        List<Event> events = new ArrayList<>(s.accept(text));
        events.addAll(s.finish());
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (Event e : events) {
            switch (e) {
                case Text t -> content.append(t.text());
                case Call c -> calls.add(c.call());
            }
        }
        return new Parsed(content.toString(), calls);
    }

    /** Takes the next piece of the answer; returns what is now decided. */
    public List<Event> accept(String piece) {
        pending.append(piece);
        List<Event> out = new ArrayList<>();
        while (true) {
            if (inCall) {
                int close = pending.indexOf(HermesFormat.CLOSE);
                if (close < 0) {
                    return out;
                }
                String json = pending.substring(0, close);
                pending.delete(0, close + HermesFormat.CLOSE.length());
                inCall = false;
                ToolCall call = HermesFormat.parseCall(json, tools);
                if (call != null) {
                    out.add(new Call(call));
                    dropLeadingSpace = true;
                } else {
                    heldSpace.append(spaceBeforeCall);
                    text(out, HermesFormat.OPEN + json + HermesFormat.CLOSE);
                }
                spaceBeforeCall = "";
                continue;
            }
            int open = pending.indexOf(HermesFormat.OPEN);
            if (open >= 0) {
                text(out, pending.substring(0, open));
                pending.delete(0, open + HermesFormat.OPEN.length());
                spaceBeforeCall = heldSpace.toString(); // not content if a call follows
                heldSpace.setLength(0);
                inCall = true;
                continue;
            }
            int keep = partialMarker(pending);
            text(out, pending.substring(0, pending.length() - keep));
            pending.delete(0, pending.length() - keep);
            return out;
        }
    }

    /** The answer ended: whatever is undecided is text (an unclosed call included). */
    public List<Event> finish() {
        List<Event> out = new ArrayList<>();
        String rest = (inCall ? spaceBeforeCall + HermesFormat.OPEN : "") + pending;
        pending.setLength(0);
        inCall = false;
        if (!rest.isBlank()) {
            text(out, rest);
        }
        heldSpace.setLength(0);
        return out;
    }

    private boolean dropLeadingSpace; // after a call
    private String spaceBeforeCall = "";

    /** Content text; trailing whitespace waits to see whether a call follows. */
    private void text(List<Event> out, String s) {
        if (s.isEmpty()) {
            return;
        }
        if (dropLeadingSpace) {
            s = s.stripLeading();
            if (s.isEmpty()) {
                return;
            }
            dropLeadingSpace = false;
        }
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        if (end == 0) {
            heldSpace.append(s);
            return;
        }
        out.add(new Text(heldSpace + s.substring(0, end)));
        heldSpace.setLength(0);
        heldSpace.append(s, end, s.length());
    }

    /** Length of the longest suffix of {@code s} that begins the call marker. */
    private static int partialMarker(CharSequence s) {
        String marker = HermesFormat.OPEN;
        for (int k = Math.min(marker.length() - 1, s.length()); k > 0; k--) {
            boolean match = true;
            for (int i = 0; i < k; i++) {
                if (s.charAt(s.length() - k + i) != marker.charAt(i)) {
                    match = false;
                    break;
                }
            }
            if (match) {
                return k;
            }
        }
        return 0;
    }
}
