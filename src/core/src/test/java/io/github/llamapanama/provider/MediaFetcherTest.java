package io.github.llamapanama.provider;

import io.github.llamapanama.testing.MediaHost;
import io.github.llamapanama.vision.VisionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library's media fetcher: remote URLs off by default, then the server's address policy. */
class MediaFetcherTest {
    private static final byte[] MEDIA = {1, 2, 3, 4, 5};

    private static MediaFetcher enabled(MediaHost host, List<String> allowed) {
        return new MediaFetcher(1000, null, new RemoteFetch(new AddressPolicy(allowed), Duration.ofSeconds(5), 1000,
                host.resolver()));
    }

    private static String refusal(MediaFetcher f, String url) {
        return assertThrows(VisionException.class, () -> f.fetch(url)).getMessage();
    }

    @Test
    void remoteUrlsAreRefusedUnlessEnabled() {
        try (MediaHost host = new MediaHost(MEDIA, "image/png")) {
            MediaFetcher off = new MediaFetcher(1000, null, Duration.ofSeconds(5));
            assertTrue(refusal(off, host.loopbackUrl()).contains("allowRemoteMedia(true)"));
            assertTrue(refusal(off, host.publicUrl("/media")).contains("disabled"));
        }
    }

    @Test
    void enabledOnlyPublicAddressesAreFetchedAndEveryRedirectIsChecked() {
        try (MediaHost host = new MediaHost(MEDIA, "image/png")) {
            MediaFetcher on = enabled(host, List.of());
            assertArrayEquals(MEDIA, on.fetch(host.publicUrl("/media")).data());
            String loopback = refusal(on, host.loopbackUrl());
            assertTrue(loopback.startsWith("the image URL was refused: ") && loopback.contains("loopback"), loopback);
            assertTrue(refusal(on, host.publicUrl("/to-loopback")).contains("loopback"), "a redirect to loopback");
            assertTrue(refusal(on, "http://169.254.169.254/latest/meta-data/").contains("link-local"));
            assertTrue(refusal(on, "http://[::ffff:127.0.0.1]/").contains("loopback"));
            // allowing more: the application names the network
            assertArrayEquals(MEDIA, enabled(host, List.of("127.0.0.0/8")).fetch(host.loopbackUrl()).data());
        }
    }

    @Test
    void theBuilderChecksAllowedHosts() {
        assertThrows(IllegalArgumentException.class,
                () -> LocalModel.builder().allowedMediaHosts(List.of("10.0.0.0/33")));
    }
}
