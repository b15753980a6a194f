package io.github.llamapanama.loader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the AVX-512 instructions of an x86-64 ELF library, from {@code objdump -d}: every
 * instruction whose encoding starts, after legacy prefixes, with the EVEX escape byte 0x62
 * (BOUND, its 32-bit meaning, does not exist in 64-bit code), plus AMX instructions, which name
 * %tmm registers.
 */
final class Avx512Scan {
    /** objdump's instruction line: address, raw bytes, mnemonic and operands. */
    private static final Pattern LINE = Pattern.compile("^\\s*[0-9a-f]+:\\t([0-9a-f ]+)\\t(.*)$");
    private static final Set<String> LEGACY_PREFIXES = Set.of("f0", "f2", "f3", "2e", "36", "3e", "26", "64",
            "65", "66", "67");

    record Count(long evex, long amx, String firstExample) {
        boolean any() {
            return evex + amx > 0;
        }
    }

    private Avx512Scan() {}

    /** True when the disassembled instruction (raw bytes, text) is EVEX-encoded. */
    static boolean isEvex(List<String> bytes, String text) {
        if (text.startsWith("(bad)")) {
            return false;
        }
        for (String b : bytes) {
            if (!LEGACY_PREFIXES.contains(b)) {
                return b.equals("62");
            }
        }
        return false;
    }

    static Count scan(Path library) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("objdump", "-d", library.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long evex = 0;
        long amx = 0;
        String example = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                String text = m.group(2).trim();
                if (text.isEmpty()) {
                    continue; // continuation of a long instruction's bytes
                }
                if (isEvex(List.of(m.group(1).trim().split(" ")), text)) {
                    evex++;
                    example = example == null ? text : example;
                } else if (text.contains("%tmm")) {
                    amx++;
                    example = example == null ? text : example;
                }
            }
        }
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("objdump -d " + library + " failed (exit " + p.exitValue() + ")");
        }
        return new Count(evex, amx, example);
    }
}
