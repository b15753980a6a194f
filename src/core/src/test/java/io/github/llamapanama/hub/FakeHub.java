package io.github.llamapanama.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1, with the hub's headers: HEAD/GET on
 * {@code /{repo}/resolve/{rev}/{file}} answers an LFS file with a 302 to a "CDN" (a second server,
 * so a different origin) carrying X-Repo-Commit, X-Linked-Etag and X-Linked-Size; the CDN serves
 * bytes with Range support; {@code /api/models/{repo}} lists the files. Knobs make it misbehave.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server saw it; {@code server} is "hub" or "cdn". */
    record Request(String server, String method, String path, String range, String authorization) {}

    private record Entry(byte[] content, boolean lfs) {}

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, Entry>> repos = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

    volatile String commit = COMMIT;
    /** The CDN answers 200 with the whole file whatever Range says. */
    volatile boolean ignoreRange;
    /** The hub leaves out X-Linked-Size. */
    volatile boolean omitSize;
    /** The hub announces this ETag for LFS files instead of their SHA-256. */
    volatile String etagOverride;
    /** Every hub request (not the CDN's) gets this status, with {@link #errorCode} if set. */
    volatile int status;
    volatile String errorCode;
    /** Without "Bearer" + this token, hub requests get 401. */
    volatile String requiredToken;
    /** The next CDN body stops after this many bytes and the connection is dropped. */
    final AtomicLong cutNextBodyAfter = new AtomicLong(-1);
    /** The next CDN body pauses for 5 s after this many bytes. */
    final AtomicLong stallNextBodyAfter = new AtomicLong(-1);

    FakeHub() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        hub = HttpServer.create(loopback, 0);
        cdn = HttpServer.create(loopback, 0);
        hub.createContext("/", ex -> handle(ex, "hub"));
        cdn.createContext("/", ex -> handle(ex, "cdn"));
        hub.setExecutor(pool);
        cdn.setExecutor(pool);
        hub.start();
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    /** An LFS file: served through the CDN, its ETag the SHA-256. */
    void put(String repo, String file, byte[] content) {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(file, new Entry(content, true));
        blobs.put(sha256(content), content);
    }

    /** A small git file: served by the hub itself, its ETag the git blob hash. */
    void putSmall(String repo, String file, byte[] content) {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(file, new Entry(content, false));
    }

    /** Files that are listed but have no content (a request for one fails the test with a 404). */
    void list(String repo, String... files) {
        Map<String, Entry> r = repos.computeIfAbsent(repo, k -> new ConcurrentHashMap<>());
        for (String f : files) {
            r.putIfAbsent(f, new Entry(null, true));
        }
    }

    /** The hub redirects the old repo id to the new one, as after a rename. */
    void rename(String oldId, String newId) {
        renamed.put(oldId, newId);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(String server) {
        return requests.stream().filter(r -> r.server().equals(server)).toList();
    }

    void clearRequests() {
        requests.clear();
    }

    private void handle(HttpExchange ex, String server) {
        try {
            Headers h = ex.getRequestHeaders();
            String path = ex.getRequestURI().getPath();
            requests.add(new Request(server, ex.getRequestMethod(), path, h.getFirst("Range"),
                    h.getFirst("Authorization")));
            if (server.equals("cdn")) {
                serveBlob(ex, path.substring(path.lastIndexOf('/') + 1));
            } else if (refused(ex)) {
                return;
            } else if (path.startsWith("/api/models/")) {
                serveListing(ex, path.substring("/api/models/".length()));
            } else if (path.contains("/resolve/")) {
                resolve(ex, path);
            } else {
                send(ex, 404, null);
            }
        } catch (IOException e) {
            // the client hung up, or a deliberate cut
        } finally {
            ex.close();
        }
    }

    private boolean refused(HttpExchange ex) throws IOException {
        String token = requiredToken;
        if (token != null && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "GatedRepo");
            return true;
        }
        if (status != 0) {
            send(ex, status, errorCode);
            return true;
        }
        return false;
    }

    private void resolve(HttpExchange ex, String path) throws IOException {
        int at = path.indexOf("/resolve/");
        String repo = path.substring(1, at);
        String rest = path.substring(at + "/resolve/".length());
        String file = rest.substring(rest.indexOf('/') + 1);
        if (renamed.containsKey(repo)) {
            ex.getResponseHeaders().set("Location", "/" + renamed.get(repo) + path.substring(at));
            send(ex, 307, null);
            return;
        }
        Map<String, Entry> files = repos.get(repo);
        if (files == null) {
            send(ex, 404, "RepoNotFound");
            return;
        }
        Entry e = files.get(file);
        if (e == null || e.content() == null) {
            send(ex, 404, "EntryNotFound");
            return;
        }
        Headers out = ex.getResponseHeaders();
        out.set("X-Repo-Commit", commit);
        if (!e.lfs()) {
            out.set("ETag", "\"" + gitSha1(e.content()) + "\"");
            out.set("Content-Length", Long.toString(e.content().length));
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, e.content().length);
                ex.getResponseBody().write(e.content());
            }
            return;
        }
        String sha = sha256(e.content());
        String etag = etagOverride != null ? etagOverride : sha;
        out.set("ETag", "W/\"" + gitSha1(("pointer " + sha).getBytes(StandardCharsets.UTF_8)) + "\"");
        out.set("X-Linked-Etag", "\"" + etag + "\"");
        if (!omitSize) {
            out.set("X-Linked-Size", Long.toString(e.content().length));
        }
        out.set("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/repos/ab/cd/" + sha
                + "?X-Amz-Signature=fake");
        send(ex, 302, null);
    }

    private void serveBlob(HttpExchange ex, String sha) throws IOException {
        byte[] data = blobs.get(sha);
        if (data == null) {
            send(ex, 404, null);
            return;
        }
        Headers out = ex.getResponseHeaders();
        out.set("Accept-Ranges", "bytes");
        out.set("ETag", "\"" + sha + "\"");
        out.set("Content-Type", "application/octet-stream");
        String range = ex.getRequestHeaders().getFirst("Range");
        int start = 0;
        int status = 200;
        if (range != null && !ignoreRange) {
            Matcher m = RANGE.matcher(range);
            if (!m.matches()) {
                send(ex, 400, null);
                return;
            }
            start = (int) Math.min(Long.parseLong(m.group(1)), Integer.MAX_VALUE);
            if (start >= data.length) {
                out.set("Content-Range", "bytes */" + data.length);
                send(ex, 416, null);
                return;
            }
            out.set("Content-Range", "bytes " + start + "-" + (data.length - 1) + "/" + data.length);
            status = 206;
        }
        long cut = cutNextBodyAfter.getAndSet(-1);
        long stall = stallNextBodyAfter.getAndSet(-1);
        ex.sendResponseHeaders(status, data.length - start);
        OutputStream body = ex.getResponseBody();
        int pos = start;
        while (pos < data.length) {
            int sent = pos - start;
            int n = Math.min(64 * 1024, data.length - pos);
            if (cut >= 0) {
                n = (int) Math.min(n, cut - sent);
            }
            if (stall >= 0 && sent < stall) {
                n = (int) Math.min(n, stall - sent);
            }
            if (n > 0) {
                body.write(data, pos, n);
                pos += n;
                sent += n;
            }
            if (cut >= 0 && sent >= cut) {
                body.flush();
                return; // closing with bytes missing drops the connection
            }
            if (stall >= 0 && sent >= stall) {
                body.flush();
                stall = -1;
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void serveListing(HttpExchange ex, String rest) throws IOException {
        String[] parts = rest.split("/");
        String repo = parts[0] + "/" + (parts.length > 1 ? parts[1] : "");
        Map<String, Entry> files = repos.get(repo);
        if (files == null) {
            send(ex, 404, "RepoNotFound");
            return;
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("id", repo);
        info.put("sha", commit);
        info.put("siblings", files.keySet().stream().sorted().map(f -> Map.of("rfilename", f)).toList());
        byte[] json = JSON.writeValueAsBytes(info);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, json.length);
        ex.getResponseBody().write(json);
    }

    private static void send(HttpExchange ex, int status, String errorCode) throws IOException {
        if (errorCode != null) {
            ex.getResponseHeaders().set("X-Error-Code", errorCode);
        }
        ex.sendResponseHeaders(status, -1);
    }

    static String sha256(byte[] data) {
        return hex("SHA-256", data);
    }

    static String gitSha1(byte[] data) {
        byte[] header = ("blob " + data.length + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[header.length + data.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(data, 0, all, header.length, data.length);
        return hex("SHA-1", all);
    }

    private static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
