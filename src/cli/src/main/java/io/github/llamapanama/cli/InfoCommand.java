package io.github.llamapanama.cli;

import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufTensorInfo;
import io.github.llamapanama.gguf.GgufType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "info", description = "Describe a GGUF file: metadata, tensor types, parameter count.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.gguf")
    Path file;

    @Override
    public Integer call() throws Exception {
        try (GgufFile gguf = GgufFile.open(file)) {
            System.out.printf("%s: GGUF v%d, %d metadata keys, %d tensors, %,d parameters%n", file, gguf.version(),
                    gguf.metadata().size(), gguf.tensors().size(), gguf.parameterCount());
            gguf.metadata().forEach((k, v) -> System.out.println("  " + k + " = " + abbreviate(String.valueOf(v))));
            Map<GgufType, long[]> byType = new TreeMap<>();
            for (GgufTensorInfo t : gguf.tensors()) {
                long[] acc = byType.computeIfAbsent(t.type(), k -> new long[2]);
                acc[0]++;
                acc[1] += t.elementCount();
            }
            System.out.println("tensor types:");
            byType.forEach((type, acc) -> System.out.printf("  %-8s %5d tensors %,15d parameters%n", type, acc[0], acc[1]));
        }
        return 0;
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
}
