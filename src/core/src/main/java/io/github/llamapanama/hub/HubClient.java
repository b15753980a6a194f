package io.github.llamapanama.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llamapanama.Llama;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * The hub's HTTP protocol. Redirects are followed here rather than by the HttpClient so that the
 * token only goes to the endpoint's own origin, never to the CDN the hub redirects to, and so that
 * the metadata request stops at the hub's answer (which carries the commit and ETag headers).
 */
final class HubClient {
    static final String HINT_FILE = "Download it yourself and pass --model FILE --mmproj FILE, "
            + "or set HF_ENDPOINT to a mirror.";
    static final String HINT_MODEL = "Download the model yourself and pass --model FILE --mmproj FILE, "
            + "or set HF_ENDPOINT to a mirror.";
    private static final int MAX_REDIRECTS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String token;
    private final HttpClient http;
    private final Duration timeout;
    private final String userAgent;

    HubClient(URI endpoint, String token, HttpClient http, Duration timeout) {
        this.endpoint = endpoint;
        this.token = token;
        this.http = http;
        this.timeout = timeout;
        this.userAgent = "llama-panama/" + Objects.requireNonNullElse(Llama.version(), "dev")
                + "; java/" + Runtime.version().feature();
    }

    URI endpoint() {
        return endpoint;
    }

    URI resolveUri(HfRepo repo, String filename) {
        return URI.create(endpoint + "/" + repo.id() + "/resolve/" + encode(repo.revision(), false)
                + "/" + encode(filename, true));
    }

    /** HEAD on the resolve URL: the commit, ETag, size and download location of a file. */
    FileMetadata metadata(HfRepo repo, String filename) {
        Failure what = Failure.file(repo, filename);
        URI uri = resolveUri(repo, filename);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<Void> r = send(request(uri, "HEAD", 0), HttpResponse.BodyHandlers.discarding(), what);
            int status = r.statusCode();
            HttpHeaders h = r.headers();
            String commit = h.firstValue("X-Repo-Commit").orElse(null);
            String etag = FileMetadata.normalizeEtag(h.firstValue("X-Linked-Etag")
                    .orElse(h.firstValue("ETag").orElse(null)));
            boolean redirect = isRedirect(status);
            if (redirect && (commit == null || etag == null)) {
                uri = location(r, uri, what); // a renamed repo or a proxy: not the hub's answer yet
                continue;
            }
            if (!redirect && (status < 200 || status > 299)) {
                throw failure(status, h, what, uri);
            }
            if (commit == null || etag == null) {
                throw new HubException(endpoint + " did not answer like a Hugging Face hub for " + what.subject()
                        + " (no X-Repo-Commit or ETag header); check HF_ENDPOINT");
            }
            long size = h.firstValueAsLong("X-Linked-Size")
                    .orElse(redirect ? -1 : h.firstValueAsLong("Content-Length").orElse(-1));
            return new FileMetadata(commit.strip(), etag, size, redirect ? location(r, uri, what) : uri);
        }
        throw new HubException("too many redirects for " + what.subject() + " from " + endpoint);
    }

    /** GET of the file's bytes from {@code offset} on (a Range request when positive). */
    HttpResponse<InputStream> open(URI uri, long offset, Failure what) {
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<InputStream> r = send(request(uri, "GET", offset), HttpResponse.BodyHandlers.ofInputStream(), what);
            if (!isRedirect(r.statusCode())) {
                return r;
            }
            close(r);
            uri = location(r, uri, what);
        }
        throw new HubException("too many redirects for " + what.subject() + " from " + endpoint);
    }

    /** The repo's file names at its revision, from {@code /api/models/{repo}[/revision/{rev}]}. */
    List<String> listFiles(HfRepo repo) {
        Failure what = Failure.listing(repo);
        String path = "/api/models/" + repo.id()
                + (HfRepo.MAIN.equals(repo.revision()) ? "" : "/revision/" + encode(repo.revision(), false));
        URI uri = URI.create(endpoint + path);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<byte[]> r = send(request(uri, "GET", 0), HttpResponse.BodyHandlers.ofByteArray(), what);
            if (isRedirect(r.statusCode())) {
                uri = location(r, uri, what);
                continue;
            }
            if (r.statusCode() != 200) {
                throw failure(r.statusCode(), r.headers(), what, uri);
            }
            return siblings(r.body(), repo);
        }
        throw new HubException("too many redirects for " + what.subject() + " from " + endpoint);
    }

    private static List<String> siblings(byte[] body, HfRepo repo) {
        try {
            JsonNode siblings = JSON.readTree(body).path("siblings");
            if (!siblings.isArray()) {
                throw new HubException("the hub's file list for " + repo.id() + " has no 'siblings'");
            }
            List<String> files = new ArrayList<>();
            siblings.forEach(s -> {
                String name = s.path("rfilename").asText("");
                if (!name.isEmpty()) {
                    files.add(name);
                }
            });
            return List.copyOf(files);
        } catch (IOException e) {
            throw new HubException("the hub's file list for " + repo.id() + " is not JSON: " + e.getMessage(), e);
        }
    }

    private HttpRequest request(URI uri, String method, long offset) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(timeout)
                .header("User-Agent", userAgent);
        if (token != null && sameOrigin(uri, endpoint)) {
            b.header("Authorization", "Bearer " + token);
        }
        if (offset > 0) {
            b.header("Range", "bytes=" + offset + "-");
        }
        return b.build();
    }

    private <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler, Failure what) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw unavailable(what, reason(e, request.uri()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while trying to " + what.verb(), e);
        }
    }

    HubUnavailableException unavailable(Failure what, String reason, Throwable cause) {
        return new HubUnavailableException("cannot reach " + endpoint + " to " + what.verb() + ": " + reason
                + ". " + what.hint(), cause);
    }

    /** The hub's refusals, worded for someone who can fix them. */
    HubException failure(int status, HttpHeaders headers, Failure what, URI uri) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String repoPage = endpoint + "/" + what.repo().id();
        if (!sameOrigin(uri, endpoint) && status < 500 && status != 408 && status != 429) {
            // The CDN speaks for the storage, not the repo: most likely an expired signed link.
            return new HubException("could not " + what.verb() + ": HTTP " + status + " from " + uri.getHost()
                    + " (the hub's download link may have expired; try again)");
        }
        return switch (status) {
            case 401 -> new HubException(endpoint + " refused to " + what.verb() + " (401 Unauthorized): " + (token == null
                    ? what.repo().id() + " does not exist, or it is private or gated; for a gated repo accept its"
                            + " terms at " + repoPage + " and set HF_TOKEN to an access token"
                    : "HF_TOKEN was not accepted, or " + what.repo().id() + " does not exist or is private"));
            case 403 -> new HubException(endpoint + " refused to " + what.verb() + " (403 Forbidden): "
                    + (code.equals("GatedRepo") || token == null
                    ? what.repo().id() + " is gated; accept its terms at " + repoPage + " and set HF_TOKEN"
                            + (token == null ? " to an access token" : " to a token of that account")
                    : "this HF_TOKEN has no access to " + what.repo().id()));
            case 404 -> new HubException(switch (code) {
                case "RepoNotFound" -> "repository " + what.repo().id() + " not found on " + endpoint;
                case "RevisionNotFound" -> what.repo().id() + " has no revision " + what.repo().revision();
                default -> what.filename() == null
                        ? "repository " + what.repo().id() + " not found on " + endpoint
                        : what.repo().id() + " has no file " + what.filename() + " at revision "
                                + what.repo().revision() + " (404 from " + uri + ")";
            });
            case 408, 429 -> unavailable(what, "HTTP " + status, null);
            default -> status >= 500
                    ? unavailable(what, "HTTP " + status + " from " + uri.getHost(), null)
                    : new HubException("could not " + what.verb() + ": HTTP " + status + " from " + uri
                            + headers.firstValue("X-Error-Message").map(m -> " (" + m + ")").orElse(""));
        };
    }

    static String reason(Throwable e, URI uri) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host " + uri.getHost();
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "connection to " + uri.getHost() + " timed out";
            }
            if (t instanceof HttpTimeoutException) {
                return "no answer from " + uri.getHost() + " in time";
            }
            if (t instanceof SSLException) {
                return "TLS failure with " + uri.getHost() + " (" + t.getMessage() + ")";
            }
        }
        if (e instanceof ConnectException) {
            return "connection to " + hostPort(uri) + " refused";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String hostPort(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    private URI location(HttpResponse<?> r, URI from, Failure what) {
        String location = r.headers().firstValue("Location")
                .orElseThrow(() -> new HubException("redirect without Location for " + what.subject() + " from " + from));
        try {
            return from.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw new HubException("bad redirect for " + what.subject() + ": " + location, e);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static void close(HttpResponse<?> r) {
        if (r.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is dropped either way
            }
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Percent-encodes a path (keeping '/' when asked), like Python's urllib quote. */
    static String encode(String s, boolean keepSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/')) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** What was being attempted, for messages. {@code filename} is null for a listing. */
    record Failure(HfRepo repo, String filename) {
        static Failure file(HfRepo repo, String filename) {
            return new Failure(repo, filename);
        }

        static Failure listing(HfRepo repo) {
            return new Failure(repo, null);
        }

        String subject() {
            return filename == null ? "the file list of " + repo.id() : repo.id() + "/" + filename;
        }

        String verb() {
            return filename == null ? "list the files of " + repo.id() : "download " + subject();
        }

        String hint() {
            return filename == null ? HINT_MODEL : HINT_FILE;
        }
    }
}
