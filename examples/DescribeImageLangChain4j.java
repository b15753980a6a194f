///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 22+
//DEPS io.github.llamapanama:llama-panama-langchain4j:0.1.0-SNAPSHOT
// The natives of the platform JBang runs on (os-maven-plugin's names: linux-x86_64, osx-aarch_64, ...).
//DEPS io.github.llamapanama:llama-panama-natives:0.1.0-SNAPSHOT:${os.detected.classifier}
//DEPS dev.langchain4j:langchain4j-core:1.19.0
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.github.llamapanama.langchain4j.LlamaChatModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** usage: DescribeImageLangChain4j MODEL.gguf MMPROJ.gguf IMAGE [QUESTION]: a LangChain4j ChatModel describes an image. */
public class DescribeImageLangChain4j {
    public static void main(String[] a) throws Exception {
        try (var model = LlamaChatModel.builder().modelPath(Path.of(a[0])).mmprojPath(Path.of(a[1])).build()) {
            var image = ImageContent.from(Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(a[2]))), "image/jpeg");
            var question = TextContent.from(a.length > 3 ? a[3] : "Describe this image.");
            var request = ChatRequest.builder().messages(UserMessage.from(image, question)).maxOutputTokens(256).build();
            System.out.println(model.chat(request).aiMessage().text());
        }
    }
}
