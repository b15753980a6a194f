package io.github.llamapanama.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llamapanama.LlamaException;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * A saved conversation: a JSON header (messages, and what the KV cache holds) followed by the
 * sequence's KV state as llama.cpp serialises it. Written to a temporary file and moved, so a
 * crash never leaves half a file.
 */
public final class ChatFile {
    private static final byte[] MAGIC = "LLAMA-PANAMA-CHAT 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a file holds: the conversation, extra fields of the session, and the KV state. */
    public record Contents(List<ChatMessage> messages, Map<String, Object> session, byte[] state) {}

    private record Header(List<Map<String, String>> messages, Map<String, Object> session) {}

    private ChatFile() {}

    public static void write(Path file, Contents contents) {
        List<Map<String, String>> messages = contents.messages().stream()
                .map(m -> Map.of("role", m.role().templateName(), "content", m.content())).toList();
        try {
            byte[] header = JSON.writeValueAsBytes(new Header(messages, contents.session()));
            Path parent = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try (OutputStream raw = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(raw)) {
                out.write(MAGIC);
                out.writeInt(header.length);
                out.write(header);
                out.writeInt(contents.state().length);
                out.write(contents.state());
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LlamaException("cannot save the conversation to " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Contents read(Path file) {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new LlamaException(file + " is not a saved llama-panama conversation");
            }
            int headerLength = in.readInt();
            if (headerLength < 0 || headerLength > Files.size(file)) {
                throw new LlamaException(file + " is corrupt (header length " + headerLength + ")");
            }
            Header header = JSON.readValue(in.readNBytes(headerLength), Header.class);
            int stateLength = in.readInt();
            if (stateLength < 0 || stateLength > Files.size(file)) {
                throw new LlamaException(file + " is corrupt (state length " + stateLength + ")");
            }
            byte[] state = in.readNBytes(stateLength);
            if (state.length != stateLength) {
                throw new LlamaException(file + " is truncated");
            }
            List<ChatMessage> messages = header.messages().stream().map(m -> new ChatMessage(
                    ChatMessage.Role.valueOf(m.get("role").toUpperCase(java.util.Locale.ROOT)), m.get("content"))).toList();
            return new Contents(messages, header.session() == null ? Map.of() : header.session(), state);
        } catch (IOException | RuntimeException e) {
            if (e instanceof LlamaException l) {
                throw l;
            }
            throw new LlamaException("cannot load a conversation from " + file + ": " + e.getMessage(), e);
        }
    }
}
