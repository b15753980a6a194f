package io.github.llamapanama.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The linux-x86_64 natives jar must run on every x86-64 CPU: no library in it may hold AVX-512
 * (EVEX) or AMX instructions except the CPU variant modules built for CPUs that have them, which
 * ggml loads only where {@code ggml_backend_score} says the CPU has them.
 */
class NativesJarAvx512IT {
    /** The variants of GGML_CPU_ALL_VARIANTS that are built with AVX-512. */
    private static final Set<String> AVX512_VARIANTS = Set.of("skylakex", "icelake", "cooperlake", "zen4", "sapphirerapids");

    @Test
    void onlyTheAvx512VariantModulesHoldAvx512Instructions(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("natives.jar"));
        NativePlatform linux = NativePlatform.of("Linux", "amd64");
        List<String> report = new ArrayList<>();
        List<String> offenders = new ArrayList<>();
        boolean sawAvx512Variant = false;
        try (JarFile jf = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String name = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                if (!name.endsWith(".so")) {
                    continue;
                }
                Path lib = dir.resolve(name);
                try (InputStream in = jf.getInputStream(e)) {
                    Files.copy(in, lib);
                }
                Optional<String> variant = CpuVariants.variantOf(linux, name);
                boolean allowed = variant.isPresent() && AVX512_VARIANTS.contains(variant.get());
                if (allowed && sawAvx512Variant) {
                    continue; // one AVX-512 module shows that the scan sees them; the rest are allowed
                }
                Avx512Scan.Count c = Avx512Scan.scan(lib);
                report.add(name + ": " + c.evex() + " EVEX, " + c.amx() + " AMX");
                if (allowed) {
                    sawAvx512Variant = true;
                    assertTrue(c.evex() > 0, name + " is built for AVX-512 and should hold EVEX instructions;"
                            + " the scan is broken");
                } else if (c.any()) {
                    offenders.add(name + " (" + c.evex() + " EVEX, " + c.amx() + " AMX, e.g. " + c.firstExample() + ")");
                }
                Files.delete(lib);
            }
        }
        System.out.println("AVX-512 scan of " + jar.getFileName() + ":\n  " + String.join("\n  ", report));
        assertTrue(sawAvx512Variant, "no AVX-512 CPU variant module in " + jar + ": not a GGML_CPU_ALL_VARIANTS build? "
                + report);
        assertFalse(report.isEmpty());
        assertTrue(offenders.isEmpty(), "libraries outside the AVX-512 variants hold AVX-512/AMX code: " + offenders);
    }

    @Test
    void evexIsRecognisedAfterLegacyPrefixesOnly() {
        assertTrue(Avx512Scan.isEvex(List.of("62", "f1", "fd", "48", "6f", "04", "07"), "vmovdqa64 (%rdi),%zmm0"));
        assertTrue(Avx512Scan.isEvex(List.of("67", "62", "f1"), "vmovdqu64 (%edi),%zmm1"));
        assertFalse(Avx512Scan.isEvex(List.of("c5", "fd", "6f", "07"), "vmovdqa (%rdi),%ymm0"));
        assertFalse(Avx512Scan.isEvex(List.of("48", "62", "00"), "(bad)"));
        assertFalse(Avx512Scan.isEvex(List.of("e8", "62", "00", "00", "00"), "call 1234"));
    }
}
