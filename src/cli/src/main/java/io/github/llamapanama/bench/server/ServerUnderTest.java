package io.github.llamapanama.bench.server;

/** One of the two servers the benchmark drives: its name and its base URL, closed at the end. */
interface ServerUnderTest extends AutoCloseable {
    String name();

    String baseUrl();

    @Override
    void close();
}
