package io.github.llamapanama.loader;

import java.util.Locale;

/**
 * The platform part of a natives classifier, {@code <os>-<arch>}, named as os-maven-plugin's
 * {@code ${os.detected.classifier}} (and Gradle's osdetector, and JBang) names platforms:
 * linux-x86_64, linux-aarch_64, osx-aarch_64, osx-x86_64, windows-x86_64. A GPU build appends
 * its variant (linux-x86_64-cuda). cmake/platform-classifier.cmake derives the same names.
 * {@link #os()} and {@link #arch()} are the plain names (macos, aarch64).
 */
public record NativePlatform(String os, String arch) {

    public static NativePlatform current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    static NativePlatform of(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        String os = name.startsWith("linux") ? "linux"
                : name.startsWith("mac") || name.startsWith("darwin") ? "macos"
                : name.startsWith("windows") ? "windows"
                : name.replaceAll("[^a-z0-9]", "");
        String a = osArch.toLowerCase(Locale.ROOT);
        String arch = switch (a) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> a;
        };
        return new NativePlatform(os, arch);
    }

    public String classifier() {
        return (os.equals("macos") ? "osx" : os) + "-" + (arch.equals("aarch64") ? "aarch_64" : arch);
    }

    /**
     * The file name of a ggml backend module of a {@code GGML_BACKEND_DL} build, as ggml's own
     * loader names them: ggml-cpu-haswell.dll on Windows, libggml-cpu-haswell.so elsewhere (CMake
     * gives MODULE libraries the .so suffix on macOS too).
     */
    public String backendModuleFile(String name) {
        return os.equals("windows") ? name + ".dll" : "lib" + name + ".so";
    }

    /**
     * How a library finds the libraries it links to once loaded from an extracted directory:
     * the RPATH ($ORIGIN, @loader_path) build-native.sh gives every library, or on Windows, which
     * has neither, the modules already loaded under the same name plus AddDllDirectory.
     */
    public String dependencyResolution() {
        return switch (os) {
            case "windows" -> "already-loaded module names, AddDllDirectory";
            case "macos" -> "@loader_path RPATH";
            default -> "$ORIGIN RPATH";
        };
    }

    /** The file name of a shared library on this platform: libllama.so, libllama.dylib, llama.dll. */
    public String libraryFile(String name) {
        return switch (os) {
            case "windows" -> name + ".dll";
            case "macos" -> "lib" + name + ".dylib";
            default -> "lib" + name + ".so";
        };
    }
}
