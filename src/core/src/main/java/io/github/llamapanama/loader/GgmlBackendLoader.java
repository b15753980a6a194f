package io.github.llamapanama.loader;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * ggml's backend loader (ggml-backend.h), bound by hand because it is needed before the rest of
 * the bindings: {@code ggml_backend_load} registers one backend module with libggml, which this
 * class finds among the libraries {@link NativeLibraries} loaded; {@code ggml_backend_score} is
 * read from a module before it is registered, as ggml_backend_load_best does.
 */
final class GgmlBackendLoader {
    private final MethodHandle load;
    private final MethodHandle regName;

    private GgmlBackendLoader(MethodHandle load, MethodHandle regName) {
        this.load = load;
        this.regName = regName;
    }

    /** Binds the loader in libggml, which must have been loaded by {@link System#load} already. */
    static GgmlBackendLoader bind() {
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        Linker linker = Linker.nativeLinker();
        return new GgmlBackendLoader(
                linker.downcallHandle(find(lookup, "ggml_backend_load"), FunctionDescriptor.of(ADDRESS, ADDRESS)),
                linker.downcallHandle(find(lookup, "ggml_backend_reg_name"), FunctionDescriptor.of(ADDRESS, ADDRESS)));
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new NativeLoadException("libggml lacks " + name));
    }

    /**
     * Registers the backend in {@code module}; its registry name ("CPU", "Vulkan"), or empty when
     * ggml refused it (ggml logs why: a missing driver library, a score of 0).
     */
    Optional<String> load(Path module) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = (MemorySegment) load.invokeExact(arena.allocateFrom(module.toString()));
            if (reg.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            MemorySegment name = (MemorySegment) regName.invokeExact(reg);
            return Optional.of(name.equals(MemorySegment.NULL) ? "?" : name.reinterpret(256).getString(0));
        } catch (Throwable t) {
            throw new NativeLoadException("ggml_backend_load(" + module + ") failed: " + t, t);
        }
    }

    /**
     * Why {@code module} cannot be opened, in the dynamic loader's words ({@code dlerror}: a missing
     * library, a missing symbol version), or empty when it opens or the platform has no
     * {@code dlopen}. {@link SymbolLookup#libraryLookup} says only that it failed.
     */
    static Optional<String> openFailure(Path module) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Optional<MemorySegment> dlopen = libc.find("dlopen");
        Optional<MemorySegment> dlerror = libc.find("dlerror");
        Optional<MemorySegment> dlclose = libc.find("dlclose");
        if (dlopen.isEmpty() || dlerror.isEmpty() || dlclose.isEmpty()) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle open = linker.downcallHandle(dlopen.get(), FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
            MemorySegment handle = (MemorySegment) open.invokeExact(arena.allocateFrom(module.toString()), RTLD_NOW);
            if (!handle.equals(MemorySegment.NULL)) {
                MethodHandle close = linker.downcallHandle(dlclose.get(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
                int ignored = (int) close.invokeExact(handle);
                return Optional.empty();
            }
            MethodHandle error = linker.downcallHandle(dlerror.get(), FunctionDescriptor.of(ADDRESS));
            MemorySegment message = (MemorySegment) error.invokeExact();
            return message.equals(MemorySegment.NULL) ? Optional.empty()
                    : Optional.of(message.reinterpret(4096).getString(0));
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    private static final int RTLD_NOW = 2;

    /**
     * {@code ggml_backend_score()} of a backend module: how well this machine runs it, 0 when it
     * cannot; -1 when the module has no score function or cannot be opened.
     */
    static int score(Path module) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lib = SymbolLookup.libraryLookup(module, arena);
            Optional<MemorySegment> fn = lib.find("ggml_backend_score");
            if (fn.isEmpty()) {
                return -1;
            }
            MethodHandle h = Linker.nativeLinker().downcallHandle(fn.get(), FunctionDescriptor.of(JAVA_INT));
            return (int) h.invokeExact();
        } catch (IllegalArgumentException e) {
            return -1; // dlopen failed
        } catch (Throwable t) {
            throw new NativeLoadException("ggml_backend_score of " + module + " failed: " + t, t);
        }
    }
}
