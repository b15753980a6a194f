package io.github.llamapanama.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Gives memory that the C allocator keeps after a model or projector is freed back to the
 * system. glibc's malloc keeps freed chunks in its arenas (one per thread that allocated), so a
 * process that loads and frees models grows in RSS without leaking; {@code malloc_trim(0)} returns
 * the free pages. A no-op where the C library has no malloc_trim (musl, macOS, Windows).
 */
public final class NativeMemory {
    private static final Optional<MethodHandle> MALLOC_TRIM = Linker.nativeLinker().defaultLookup().find("malloc_trim")
            .map(f -> Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG)));

    private NativeMemory() {}

    /** Returns free allocator memory to the system; true if the C library did release some. */
    public static boolean trim() {
        if (MALLOC_TRIM.isEmpty() || Boolean.getBoolean("llama.panama.noMallocTrim")) {
            return false;
        }
        try {
            return (int) MALLOC_TRIM.get().invokeExact(0L) != 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
