package io.github.llamapanama.testing;

import com.sun.net.httpserver.HttpServer;
import io.github.llamapanama.provider.RemoteFetch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/**
 * A media host on loopback that tests can make look public: {@link #resolver()} answers
 * {@value #PUBLIC_NAME} with a public address ({@code 93.184.215.14}) and routes connections to
 * that address to this loopback server, so the address policy sees a public host while nothing
 * leaves the machine. Paths: {@code /media} (the bytes), {@code /to-loopback} (a redirect to
 * {@code /media} on 127.0.0.1).
 */
public final class MediaHost implements AutoCloseable {
    public static final String PUBLIC_NAME = "images.example.com";
    private static final byte[] PUBLIC_ADDRESS = {93, (byte) 184, (byte) 215, 14};

    private final HttpServer server;
    private final int port;

    public MediaHost(byte[] media, String contentType) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = server.getAddress().getPort();
        server.createContext("/media", ex -> {
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(200, media.length);
            ex.getResponseBody().write(media);
            ex.close();
        });
        server.createContext("/to-loopback", ex -> {
            ex.getResponseHeaders().set("Location", loopbackUrl());
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.start();
    }

    /** The media by its public-looking name (port 80, routed here by {@link #resolver()}). */
    public String publicUrl(String path) {
        return "http://" + PUBLIC_NAME + path;
    }

    /** The media by its real, loopback address. */
    public String loopbackUrl() {
        return "http://127.0.0.1:" + port + "/media";
    }

    /** Resolves {@value #PUBLIC_NAME} to a public address and connects that address to this server. */
    public RemoteFetch.Resolver resolver() {
        return new RemoteFetch.Resolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                if (host.equalsIgnoreCase(PUBLIC_NAME)) {
                    return new InetAddress[] {InetAddress.getByAddress(PUBLIC_NAME, PUBLIC_ADDRESS)};
                }
                throw new UnknownHostException(host);
            }

            @Override
            public Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException {
                if (java.util.Arrays.equals(address.getAddress().getAddress(), PUBLIC_ADDRESS)) {
                    address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                }
                return RemoteFetch.SYSTEM.connect(address, timeoutMillis);
            }
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
