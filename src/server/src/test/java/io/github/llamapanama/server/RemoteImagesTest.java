package io.github.llamapanama.server;

import com.sun.net.httpserver.HttpServer;
import io.github.llamapanama.provider.AddressPolicy;
import io.github.llamapanama.provider.RemoteFetch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Remote image URLs: off by default, and when on, never a way into the server's own network. */
class RemoteImagesTest {
    private static final byte[] IMAGE = "not really a png, 40 bytes of content..".getBytes();
    private static HttpServer local;
    private static int port;
    private static final AtomicReference<String> lastHost = new AtomicReference<>();

    @BeforeAll
    static void start() throws IOException {
        local = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        local.createContext("/image", ex -> {
            lastHost.set(ex.getRequestHeaders().getFirst("Host"));
            ex.sendResponseHeaders(200, IMAGE.length);
            ex.getResponseBody().write(IMAGE);
            ex.close();
        });
        local.createContext("/chunked", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked
            ex.getResponseBody().write(IMAGE);
            ex.close();
        });
        local.createContext("/secret", ex -> {
            byte[] b = "internal admin page".getBytes();
            ex.sendResponseHeaders(404, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        local.createContext("/big", ex -> {
            ex.sendResponseHeaders(200, 5000);
            ex.getResponseBody().write(new byte[5000]);
            ex.close();
        });
        local.createContext("/to-loopback", ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/image");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        local.createContext("/to-metadata", ex -> {
            ex.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            ex.sendResponseHeaders(301, -1);
            ex.close();
        });
        local.createContext("/to-self", ex -> {
            ex.getResponseHeaders().add("Location", "/image");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        local.start();
        port = local.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        local.stop(0);
    }

    /** "img.test" resolves to loopback; everything else is unknown. Counts lookups. */
    private static final class FakeDns implements RemoteFetch.Resolver {
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            lookups.incrementAndGet();
            if (host.equals("img.test")) {
                return new InetAddress[] {InetAddress.getByAddress("img.test", new byte[] {127, 0, 0, 1})};
            }
            if (host.equals("mixed.test")) { // a public and a private answer
                return new InetAddress[] {InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 215, 14}),
                        InetAddress.getByAddress(new byte[] {10, 0, 0, 7})};
            }
            throw new UnknownHostException(host);
        }
    }

    private static ImageSource source(List<String> allowed, FakeDns dns) {
        return new ImageSource(1000, null, Duration.ofSeconds(5), allowed, dns);
    }

    private static ApiException refused(ImageSource s, String url) {
        return assertThrows(ApiException.class, () -> s.read(url, "p"));
    }

    @Test
    void remoteUrlsAreOffByDefault() {
        ImageSource off = new ImageSource(1000, null, Duration.ofSeconds(5), null);
        ApiException e = refused(off, "http://127.0.0.1:" + port + "/image");
        assertEquals(403, e.status);
        assertEquals("remote_images_disabled", e.code);
        assertTrue(e.getMessage().contains("--allow-remote-images"), e.getMessage());
        assertEquals("remote_images_disabled", refused(off, "https://example.com/a.png").code);
    }

    @Test
    void nonPublicAddressesAreRefusedWithTheReason() {
        ImageSource s = source(List.of(), new FakeDns());
        String[][] cases = {
                {"http://127.0.0.1:" + port + "/image", "loopback"},
                {"http://127.1.2.3/", "loopback"},
                {"http://[::1]:" + port + "/image", "loopback"},
                {"http://[::ffff:127.0.0.1]:" + port + "/image", "loopback"},
                {"http://[::ffff:169.254.169.254]/", "link-local"},
                {"http://[64:ff9b::a9fe:a9fe]/", "link-local"},
                {"http://[2002:a00:1::]/", "private"},
                {"http://169.254.169.254/latest/meta-data/", "link-local"},
                {"http://[fe80::1]/", "link-local"},
                {"http://10.1.2.3/", "private"},
                {"http://172.16.0.1/", "private"},
                {"http://192.168.1.1/", "private"},
                {"http://100.64.0.1/", "private"},
                {"http://[fd12::1]/", "private"},
                {"http://0.0.0.0:" + port + "/", "unspecified"},
                {"http://[::]/", "unspecified"},
                {"http://224.0.0.1/", "multicast"},
                {"http://[ff02::1]/", "multicast"},
                {"http://255.255.255.255/", "reserved"},
                {"http://img.test:" + port + "/image", "loopback"},
                {"http://mixed.test/", "private"},
        };
        for (String[] c : cases) {
            ApiException e = refused(s, c[0]);
            assertEquals(400, e.status, c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        assertTrue(refused(s, "http://nowhere.invalid/").getMessage().contains("does not resolve"));
        assertTrue(refused(s, "http://user:pw@example.com/").getMessage().contains("user name"));
    }

    @Test
    void allowedNetworksAndHostsAreFetchedFromTheResolvedAddress() throws Exception {
        assertArrayEquals(IMAGE, source(List.of("127.0.0.0/8"), new FakeDns()).read("http://127.0.0.1:" + port + "/image", "p"));
        assertArrayEquals(IMAGE, source(List.of("127.0.0.1"), new FakeDns()).read("http://127.0.0.1:" + port + "/chunked", "p"));
        // a host name allowed by name: one lookup, and the connection goes to that answer with
        // the name in the Host header (img.test is in no DNS: only the fake answer reaches it)
        FakeDns dns = new FakeDns();
        assertArrayEquals(IMAGE, source(List.of("img.test"), dns).read("http://img.test:" + port + "/image", "p"));
        assertEquals(1, dns.lookups.get());
        assertEquals("img.test:" + port, lastHost.get());
        // allowing one name does not open the address it resolves to
        assertTrue(refused(source(List.of("img.test"), new FakeDns()), "http://127.0.0.1:" + port + "/image")
                .getMessage().contains("loopback"));
    }

    @Test
    void redirectsAreCheckedAtEveryHop() {
        ImageSource byName = source(List.of("img.test"), new FakeDns());
        assertTrue(refused(byName, "http://img.test:" + port + "/to-loopback").getMessage().contains("loopback"));
        assertTrue(refused(byName, "http://img.test:" + port + "/to-metadata").getMessage().contains("link-local"));
        FakeDns dns = new FakeDns();
        assertArrayEquals(IMAGE, source(List.of("img.test"), dns).read("http://img.test:" + port + "/to-self", "p"));
        assertEquals(2, dns.lookups.get(), "one lookup per hop");
    }

    @Test
    void failuresNeverEchoStatusSizeOrContent() {
        ImageSource s = source(List.of("127.0.0.1"), new FakeDns());
        ApiException notFound = refused(s, "http://127.0.0.1:" + port + "/secret");
        assertFalse(notFound.getMessage().contains("404"), notFound.getMessage());
        assertFalse(notFound.getMessage().contains("admin"), notFound.getMessage());
        ApiException big = refused(s, "http://127.0.0.1:" + port + "/big");
        assertFalse(big.getMessage().contains("5000"), big.getMessage());
        ApiException closed = refused(s, "http://127.0.0.1:1/image");
        assertFalse(closed.getMessage().contains("Connection refused"), closed.getMessage());
        assertEquals(notFound.getMessage(), closed.getMessage(), "a missing page and a closed port look the same");
    }

    @Test
    void addressKinds() throws Exception {
        assertNull(AddressPolicy.blockedKind(InetAddress.getByName("93.184.215.14")));
        assertNull(AddressPolicy.blockedKind(InetAddress.getByName("2606:4700::1111")));
        assertNotNull(AddressPolicy.embeddedV4(InetAddress.getByName("::7f00:1").getAddress()));
        assertEquals("a loopback address inside an IPv6 address",
                AddressPolicy.blockedKind(InetAddress.getByName("::7f00:1")));
        assertThrows(IllegalArgumentException.class, () -> new AddressPolicy(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> new AddressPolicy(List.of("host.example/8")));
    }
}
