package io.github.llamapanama.sampling;

/**
 * Parameter checks shared by the stages and {@link SamplingParams}. llama.cpp checks almost
 * nothing itself, and some bad values abort the process or throw C++ exceptions through the C
 * API, so every value is checked here, before native code runs.
 */
final class Checks {
    /** 0xFFFFFFFF: LLAMA_DEFAULT_SEED, which llama.cpp replaces by a random seed. */
    static final long RANDOM_SEED = 0xFFFF_FFFFL;

    /**
     * Largest "last n tokens" window. llama.cpp allocates the whole ring buffer up front, so a
     * huge value would be a huge native allocation (and a C++ bad_alloc that kills the JVM).
     */
    static final int MAX_LAST_N = 1 << 24;

    private Checks() {}

    static IllegalArgumentException fail(String name, String rule, Object value) {
        return new IllegalArgumentException(name + " must be " + rule + ", was " + value);
    }

    static float finite(String name, float v) {
        if (!Float.isFinite(v)) {
            throw fail(name, "finite", v);
        }
        return v;
    }

    static float atLeast(String name, float v, float min) {
        if (!(v >= min) || !Float.isFinite(v)) {
            throw fail(name, "finite and >= " + min, v);
        }
        return v;
    }

    static float above(String name, float v, float min) {
        if (!(v > min) || !Float.isFinite(v)) {
            throw fail(name, "finite and > " + min, v);
        }
        return v;
    }

    static float unit(String name, float v) {
        if (!(v >= 0f && v <= 1f)) {
            throw fail(name, "in [0, 1]", v);
        }
        return v;
    }

    static int atLeast(String name, int v, int min) {
        if (v < min) {
            throw fail(name, ">= " + min, v);
        }
        return v;
    }

    static int range(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw fail(name, "in [" + min + ", " + max + "]", v);
        }
        return v;
    }

    static long seed(String name, long seed) {
        if (seed < 0 || seed > RANDOM_SEED) {
            throw fail(name, "in [0, 0xFFFFFFFF] (0xFFFFFFFF = random)", seed);
        }
        return seed;
    }

    static int token(String name, int token, int nVocab) {
        if (token < 0 || token >= nVocab) {
            throw new IllegalArgumentException(name + " " + token + " is outside the vocabulary [0, " + nVocab + ")");
        }
        return token;
    }

    /** A string that goes to C as a NUL-terminated string: a NUL inside would silently cut it. */
    static String cString(String name, String s) {
        if (s == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(name + " must not contain a NUL character");
        }
        return s;
    }
}
