/**
 * llama.cpp and mtmd for Java through the Foreign Function and Memory API. Grant it native access
 * on the module path with {@code --enable-native-access=io.github.llamapanama} (on the class path:
 * {@code ALL-UNNAMED}). The generated bindings and the natives loader's plumbing
 * ({@code io.github.llamapanama.internal}) are not exported.
 */
module io.github.llamapanama {
    requires transitive com.fasterxml.jackson.databind;
    requires jinjava;
    requires static jcodec;
    requires static me.tongfei.progressbar;
    requires java.desktop;
    requires java.net.http;
    requires java.xml;

    exports io.github.llamapanama;
    exports io.github.llamapanama.chat;
    exports io.github.llamapanama.chat.jinja;
    exports io.github.llamapanama.embedding;
    exports io.github.llamapanama.generation;
    exports io.github.llamapanama.gguf;
    exports io.github.llamapanama.hub;
    exports io.github.llamapanama.loader;
    exports io.github.llamapanama.model;
    exports io.github.llamapanama.provider;
    exports io.github.llamapanama.sampling;
    exports io.github.llamapanama.vision;
    exports io.github.llamapanama.vision.tiling;
    exports io.github.llamapanama.vision.video;
}
