package io.github.llamapanama.provider;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 GET for remote images that cannot be turned against the server's own
 * network: each host is resolved once, every address it resolves to is checked against the
 * {@link AddressPolicy}, and the socket connects to the checked address itself (the Host header
 * and TLS name carry the host name), so a second DNS answer cannot rebind it. Redirects are
 * followed by hand, each target checked the same way. Failures are reported as a reason about
 * the URL, never with the status, size or content of what came back.
 */
public final class RemoteFetch {
    public static final int MAX_REDIRECTS = 5;
    private static final int MAX_HEADER_BYTES = 64 << 10;

    /** Why a fetch was refused or failed; the message is safe to show to the client. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Resolves a host name and connects to an address the policy allowed. The default is the
     * system's resolver and a plain socket; tests replace it, e.g. to make a name look public
     * (a public address) and route that address to a local server.
     */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        /** Connects to {@code address}, which the policy has checked. */
        default Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException {
            Socket s = new Socket();
            try {
                s.connect(address, timeoutMillis);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        }
    }

    /** The system's resolver and plain sockets. */
    public static final Resolver SYSTEM = InetAddress::getAllByName;

    private final AddressPolicy policy;
    private final Duration timeout;
    private final long maxBytes;
    private final Resolver resolver;

    /**
     * @param policy   the addresses that may be reached
     * @param timeout  limit of a whole fetch, redirects included
     * @param maxBytes largest body
     * @param resolver name resolution and connection; {@link #SYSTEM} normally
     */
    public RemoteFetch(AddressPolicy policy, Duration timeout, long maxBytes, Resolver resolver) {
        this.policy = policy;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.resolver = resolver;
    }

    /** The body at {@code url}, redirects followed, every hop checked; a refusal's message is safe to show. */
    public byte[] get(String url) throws Refused {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = parse(url);
        for (int hop = 0; ; hop++) {
            Response r = once(uri, deadline);
            if (r.location == null) {
                return r.body;
            }
            if (hop >= MAX_REDIRECTS) {
                throw new Refused("the image URL redirects more than " + MAX_REDIRECTS + " times");
            }
            try {
                uri = parse(uri.resolve(r.location.trim()).toString());
            } catch (IllegalArgumentException e) {
                throw new Refused("the image URL redirects to a malformed URL");
            }
        }
    }

    static URI parse(String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new Refused("the image URL is malformed");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("the image URL must be http or https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("the image URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("the image URL must not carry a user name or password");
        }
        return uri;
    }

    /** The address to connect to: resolved once, every answer checked. */
    InetAddress address(String host) throws Refused {
        InetAddress[] all;
        if (AddressPolicy.isLiteral(host)) {
            try {
                all = new InetAddress[] {AddressPolicy.literal(host)};
            } catch (IllegalArgumentException e) {
                throw new Refused("the image URL's host is not a valid address");
            }
        } else {
            try {
                all = resolver.resolve(host);
            } catch (UnknownHostException e) {
                throw new Refused("the image URL's host does not resolve");
            }
            if (all == null || all.length == 0) {
                throw new Refused("the image URL's host does not resolve");
            }
            if (policy.allowsHost(host)) {
                return all[0];
            }
        }
        for (InetAddress a : all) {
            var why = policy.refusal(a);
            if (why.isPresent()) {
                throw new Refused("the image URL was refused: " + why.get()
                        + " (the server only fetches public addresses unless the operator allows more)");
            }
        }
        return all[0];
    }

    private record Response(byte[] body, String location) {}

    private Response once(URI uri, long deadline) throws Refused {
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        String host = uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        InetAddress address = address(host);
        String hostName = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try (Socket raw = resolver.connect(new InetSocketAddress(address, port), remainingMillis(deadline))) {
            raw.setSoTimeout(remainingMillis(deadline));
            Socket s = raw;
            if (tls) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(raw, hostName, port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                if (!AddressPolicy.isLiteral(hostName)) {
                    p.setServerNames(List.of(new SNIHostName(hostName)));
                }
                ssl.setSSLParameters(p);
                ssl.startHandshake();
                s = ssl;
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String hostHeader = host + (uri.getPort() >= 0 ? ":" + port : "");
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nUser-Agent: llama-panama\r\nAccept: image/*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(new BufferedInputStream(s.getInputStream()), deadline);
        } catch (Refused e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new Refused("could not fetch the image");
        }
    }

    private Response read(InputStream in, long deadline) throws IOException, Refused {
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new Refused("could not fetch the image");
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new Refused("could not fetch the image");
        }
        long length = -1;
        boolean chunked = false;
        String location = null;
        int headerBytes = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            headerBytes += h.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new Refused("could not fetch the image");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new Refused("could not fetch the image");
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "location" -> location = value;
                default -> { }
            }
        }
        if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
            if (location == null) {
                throw new Refused("could not fetch the image");
            }
            return new Response(null, location);
        }
        if (code / 100 != 2) {
            throw new Refused("could not fetch the image");
        }
        if (length > maxBytes) {
            throw new Refused("could not fetch the image within the server's size limit");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String sizeLine = line(in);
                int semi = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new Refused("could not fetch the image");
                }
                if (size == 0) {
                    break;
                }
                copy(in, body, size, deadline);
                line(in);
            }
        } else {
            copy(in, body, length < 0 ? Long.MAX_VALUE : length, deadline);
            if (length >= 0 && body.size() != length) {
                throw new Refused("could not fetch the image");
            }
        }
        return new Response(body.toByteArray(), null);
    }

    private void copy(InputStream in, ByteArrayOutputStream body, long n, long deadline) throws IOException, Refused {
        byte[] buf = new byte[16384];
        while (n > 0) {
            if (System.nanoTime() > deadline) {
                throw new Refused("could not fetch the image in time");
            }
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                return;
            }
            body.write(buf, 0, r);
            n -= r;
            if (body.size() > maxBytes) {
                throw new Refused("could not fetch the image within the server's size limit");
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                sb.append((char) c);
            }
            if (sb.length() > MAX_HEADER_BYTES) {
                throw new IOException("header line too long");
            }
        }
        return sb.toString();
    }

    private static int remainingMillis(long deadline) throws Refused {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new Refused("could not fetch the image in time");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }
}
