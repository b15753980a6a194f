package io.github.llamapanama.vision;

import io.github.llamapanama.Llama;
import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufFormatException;
import io.github.llamapanama.gguf.GgufTensorInfo;
import io.github.llamapanama.gguf.GgufType;
import io.github.llamapanama.loader.NativeLibraries;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Chooses the weights a projector runs with. On a CPU whose ggml variant has BF16 dot products,
 * an F16 projector whose matrices convert to BF16 exactly (every F16 value with its three lowest
 * mantissa bits clear, as when the weights were released in BF16) runs from a BF16 copy, written
 * once into the cache; any other file runs as it is.
 */
final class Bf16Weights {
    /** The CPU variants built with AVX512_BF16. */
    static final Set<String> BF16_VARIANTS = Set.of("zen4", "cooperlake", "sapphirerapids");
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final System.Logger LOG = System.getLogger(Bf16Weights.class.getName());

    /** The file to load and what was chosen, in words. */
    record Choice(Path file, String weights) {}

    private Bf16Weights() {}

    static Choice choose(Path mmproj, ProjectorParams params) {
        Choice choice = decide(mmproj, params);
        LOG.log(System.Logger.Level.DEBUG, "projector " + mmproj.getFileName() + ": " + choice.weights());
        return choice;
    }

    private static Choice decide(Path mmproj, ProjectorParams params) {
        if (!params.bf16()) {
            return new Choice(mmproj, "as in the file (BF16 conversion turned off)");
        }
        if (!Projector.bf16WeightsAvailable()) {
            return new Choice(mmproj, "as in the file (the CPU variant '" + Llama.cpuVariant().orElse("")
                    + "' has no BF16 dot products)");
        }
        if (params.useGpu() && Llama.supportsGpuOffload()) {
            return new Choice(mmproj, "as in the file (the encoder may run on a GPU)");
        }
        try (GgufFile gguf = GgufFile.open(mmproj)) {
            Path cached = cached(mmproj);
            if (Files.isRegularFile(cached)) { // this very file was found exact before
                return new Choice(cached, "BF16, converted exactly from the file's F16 earlier (" + cached + ")");
            }
            int f16 = 0;
            for (GgufTensorInfo t : gguf.tensors()) {
                if (t.type() == GgufType.F16 && ProjectorConverter.converts(t, GgufType.BF16)) {
                    f16++;
                    if (!exactInBf16(gguf.tensorData(t))) {
                        return new Choice(mmproj, "F16 as in the file (" + t.name()
                                + " holds values BF16 cannot represent exactly)");
                    }
                }
            }
            if (f16 == 0) {
                return new Choice(mmproj, "as in the file (no F16 matrices)");
            }
            Files.createDirectories(cached.getParent());
            Path part = Files.createTempFile(cached.getParent(), cached.getFileName().toString(), ".part");
            ProjectorConverter.convert(mmproj, part, GgufType.BF16);
            Files.move(part, cached, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new Choice(cached, "BF16, converted exactly from the file's F16 (" + f16 + " matrices; " + cached + ")");
        } catch (GgufFormatException | IOException e) {
            return new Choice(mmproj, "as in the file (" + e.getMessage() + ")");
        }
    }

    /** Whether every F16 value of {@code data} is a BF16 value: its lowest three mantissa bits are clear. */
    static boolean exactInBf16(MemorySegment data) {
        long n = data.byteSize() / 2;
        for (long i = 0; i < n; i++) {
            if (!ProjectorConverter.representable(Float.float16ToFloat(data.getAtIndex(SHORT, i)), GgufType.BF16)) {
                return false;
            }
        }
        return true;
    }

    /** The cached BF16 copy of {@code mmproj}, named by its path, size and modification time. */
    private static Path cached(Path mmproj) throws IOException {
        String id = mmproj.toAbsolutePath().normalize() + "|" + Files.size(mmproj) + "|"
                + Files.getLastModifiedTime(mmproj).toMillis();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            String name = mmproj.getFileName().toString().replaceFirst("\\.gguf$", "");
            return NativeLibraries.cacheDirectory().resolve("projectors")
                    .resolve(name + "-" + HexFormat.of().formatHex(hash, 0, 8) + "-bf16.gguf");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
