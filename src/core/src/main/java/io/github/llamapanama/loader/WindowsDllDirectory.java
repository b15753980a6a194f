package io.github.llamapanama.loader;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * Windows has no RPATH: a DLL's imports resolve to a module already loaded under the same name,
 * else through the DLL search path. {@link NativeLibraries} loads the DLLs in dependency order by
 * full path (so ggml.dll finds the ggml-base.dll already loaded) and adds the extracted directory
 * with kernel32's {@code AddDllDirectory}, which LoadLibraryEx calls with the
 * LOAD_LIBRARY_SEARCH_* flags honour. Their other imports (vcomp140.dll, vulkan-1.dll, the CUDA
 * runtime) come from the system directories and {@code PATH}.
 */
final class WindowsDllDirectory {
    private WindowsDllDirectory() {}

    /** A NUL-terminated UTF-16LE string, the LPCWSTR that the wide Win32 functions take. */
    static byte[] wide(String s) {
        byte[] chars = s.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[chars.length + 2];
        System.arraycopy(chars, 0, out, 0, chars.length);
        return out;
    }

    /** Calls AddDllDirectory(dir); false when kernel32 refuses it. Only on Windows. */
    static boolean add(Path dir) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup kernel32 = SymbolLookup.libraryLookup("kernel32", arena);
            MethodHandle h = Linker.nativeLinker().downcallHandle(
                    kernel32.find("AddDllDirectory").orElseThrow(), FunctionDescriptor.of(ADDRESS, ADDRESS));
            byte[] w = wide(dir.toAbsolutePath().toString());
            MemorySegment path = arena.allocate(w.length, 2).copyFrom(MemorySegment.ofArray(w));
            MemorySegment cookie = (MemorySegment) h.invokeExact(path);
            return !cookie.equals(MemorySegment.NULL);
        } catch (Throwable t) {
            return false;
        }
    }
}
