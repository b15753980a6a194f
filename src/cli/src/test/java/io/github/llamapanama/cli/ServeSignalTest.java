package io.github.llamapanama.cli;

import io.github.llamapanama.fixtures.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code serve} as a process of its own, stopped by a real SIGTERM: a running stream ends with a
 * finish reason and [DONE], a request on a kept-alive connection gets 503, new connections are
 * refused, and the process exits 0 within the grace; a second signal exits at once. Also the
 * process-wide limits: the idle timeout and the connection cap.
 */
class ServeSignalTest {
    private static final Pattern SERVING = Pattern.compile("serving .* on http://127\\.0\\.0\\.1:(\\d+)/v1");
    private Process process;
    private Path log;

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (log != null) {
            Files.deleteIfExists(log);
        }
    }

    private int serve(String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("llama.panama.")).sorted()
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(List.of(Main.class.getName(), "serve", "-m", Fixtures.tinyQwen2().toString(), "--port", "0",
                "-np", "2", "-c", "16384", "-t", "2"));
        cmd.addAll(List.of(options));
        log = Files.createTempFile("serve-signal", ".log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && process.isAlive()) {
            Matcher m = SERVING.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(100);
        }
        fail("serve did not come up:\n" + Files.readString(log));
        return -1;
    }

    private void signal(String name) throws Exception {
        // kill(1) sends the signal as an orchestrator would; without it, Process.destroy() sends SIGTERM on Unix
        try {
            assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start()
                    .waitFor(), "kill -" + name);
        } catch (IOException noKill) {
            assertEquals("TERM", name, "no kill(1) here: " + noKill);
            process.destroy();
        }
    }

    /** A streaming chat on a socket of its own; returns once the first content chunk arrived. */
    private static BufferedReader startStream(Socket s) throws IOException {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell a long story\"}],\"stream\":true,"
                + "\"ignore_eos\":true,\"max_tokens\":100000}";
        s.setSoTimeout(60_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        int chunks = 0;
        for (String l; chunks < 3 && (l = in.readLine()) != null; ) {
            if (l.startsWith("data: ")) {
                chunks++;
            }
        }
        assertEquals(3, chunks, "the stream runs");
        return in;
    }

    /** One request on a kept-alive connection: the status line and body (the answers have a Content-Length). */
    private static String[] request(Socket s, String method, String path, String json) throws IOException {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        head += json == null ? "\r\n" : "Content-Type: application/json\r\nContent-Length: " + json.length() + "\r\n\r\n" + json;
        s.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        String status = line(in);
        StringBuilder headers = new StringBuilder();
        int length = 0;
        for (String l; !(l = line(in)).isEmpty(); ) {
            headers.append(l).append('\n');
            if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(l.substring(15).trim());
            }
        }
        return new String[]{status, headers.toString(), new String(in.readNBytes(length), StandardCharsets.UTF_8)};
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** Whether the server closed the socket within the timeout (end of stream or reset). */
    private static boolean closedByServer(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void sigtermDrainsTheStreamsAndExitsZero() throws Exception {
        int port = serve("--shutdown-grace", "2", "--idle-timeout", "2", "--max-connections", "6");

        // the process-wide limits: a connection that sends nothing is closed after the idle timeout,
        // and beyond the cap a new connection is closed at once
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            idle.add(new Socket("127.0.0.1", port));
        }
        Thread.sleep(300);
        try (Socket over = new Socket("127.0.0.1", port)) {
            assertTrue(closedByServer(over, 2000), "the 7th connection is over the cap of 6");
        }
        long t0 = System.nanoTime();
        assertTrue(closedByServer(idle.getFirst(), 12_000), "an idle connection is closed");
        double idleSeconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(idleSeconds < 8, "closed after the 2 s idle timeout (checked every second): " + idleSeconds);
        for (Socket s : idle) {
            s.close();
        }
        Thread.sleep(300);

        try (Socket keptAlive = new Socket("127.0.0.1", port); Socket probe = new Socket("127.0.0.1", port);
             Socket stream = new Socket("127.0.0.1", port)) {
            keptAlive.setSoTimeout(10_000);
            probe.setSoTimeout(10_000);
            assertTrue(request(keptAlive, "GET", "/health", null)[0].contains(" 200 "));
            assertTrue(request(probe, "GET", "/ready", null)[0].contains(" 200 "));
            BufferedReader events = startStream(stream);

            long signalled = System.nanoTime();
            signal("TERM");
            String[] ready;
            do {
                Thread.sleep(20);
                ready = request(probe, "GET", "/ready", null);
            } while (ready[0].contains(" 200 ") && System.nanoTime() - signalled < 5_000_000_000L);
            assertTrue(ready[0].contains(" 503 "), "not ready while draining: " + ready[0]);
            assertTrue(request(probe, "GET", "/health", null)[0].contains(" 200 "), "/health: the model is loaded");
            String[] refused = request(keptAlive, "POST", "/v1/chat/completions",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}");
            assertTrue(refused[0].contains(" 503 "), refused[0] + "\n" + refused[2]);
            assertTrue(refused[1].toLowerCase().contains("retry-after:"), refused[1]);
            try (Socket late = new Socket("127.0.0.1", port)) {
                fail("a new connection while draining is refused, not accepted: " + late);
            } catch (java.net.ConnectException expected) {
                // nothing listens any more
            }

            List<String> data = new ArrayList<>();
            for (String l; (l = events.readLine()) != null; ) {
                if (l.startsWith("data: ")) {
                    data.add(l);
                }
                if (l.equals("data: [DONE]")) {
                    break;
                }
            }
            assertEquals("data: [DONE]", data.getLast(), "the stream ends with [DONE]");
            assertTrue(data.get(data.size() - 2).contains("\"finish_reason\":\"length\""), data.get(data.size() - 2));
            assertTrue(process.waitFor(15, TimeUnit.SECONDS), "exits after the grace:\n" + Files.readString(log));
            double seconds = (System.nanoTime() - signalled) / 1e9;
            assertEquals(0, process.exitValue(), Files.readString(log));
            assertTrue(seconds < 2 + 3 + 5, "within the grace (2 s) and the cut (at most 3 s), and a loaded machine's slack: "
                    + seconds);
        }
    }

    @Test
    void aSecondSigtermExitsAtOnce() throws Exception {
        int port = serve("--shutdown-grace", "60");
        try (Socket stream = new Socket("127.0.0.1", port)) {
            startStream(stream);
            signal("TERM");
            Thread.sleep(500);
            assertTrue(process.isAlive(), "draining: the stream runs on");
            long t0 = System.nanoTime();
            signal("TERM");
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the second signal ends it");
            assertTrue((System.nanoTime() - t0) / 1e9 < 5, "at once");
            assertEquals(143, process.exitValue(), Files.readString(log));
        }
    }
}
