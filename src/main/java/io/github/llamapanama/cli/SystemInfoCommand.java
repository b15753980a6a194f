package io.github.llamapanama.cli;

import io.github.llamapanama.Llama;
import io.github.llamapanama.loader.NativeLibraries;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "system-info", description = "Print where the natives came from and what they support.")
final class SystemInfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        NativeLibraries.Loaded loaded = Llama.initialize();
        System.out.println("llama-panama  " + Llama.version());
        System.out.println("llama.cpp     " + Llama.llamaCppCommit());
        System.out.println("natives       " + loaded.classifier() + " from " + loaded.source() + " " + loaded.directory());
        System.out.println("system        " + Llama.systemInfo());
        System.out.println("max devices   " + Llama.maxDevices());
        System.out.println("mmap / mlock  " + Llama.supportsMmap() + " / " + Llama.supportsMlock());
        System.out.println("GPU offload   " + Llama.supportsGpuOffload());
        System.out.println("media marker  " + Llama.defaultMediaMarker());
        return 0;
    }
}
