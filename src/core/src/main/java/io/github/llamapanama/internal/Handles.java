package io.github.llamapanama.internal;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The native pointer behind a public API object, for the library's own packages only: the public
 * classes keep their {@code handle()} package-private and register it here when their class
 * initialises (before any instance can exist), so no public method hands out a raw pointer and
 * this package needs no dependency on theirs.
 */
public final class Handles {
    private static final Map<Class<?>, Function<Object, MemorySegment>> BY_CLASS = new ConcurrentHashMap<>();

    private Handles() {}

    public static <T> void register(Class<T> type, Function<? super T, MemorySegment> handle) {
        BY_CLASS.put(type, owner -> handle.apply(type.cast(owner)));
    }

    /** The owner's native pointer; throws {@link IllegalStateException} when the owner is closed. */
    public static MemorySegment of(Object owner) {
        Function<Object, MemorySegment> f = BY_CLASS.get(owner.getClass());
        if (f == null) {
            throw new IllegalArgumentException("not a native object of this library: " + owner.getClass().getName());
        }
        return f.apply(owner);
    }
}
