package io.github.llamapanama.cli;

import io.github.llamapanama.Device;
import io.github.llamapanama.Llama;
import io.github.llamapanama.loader.NativeLibraries;
import io.github.llamapanama.vision.Projector;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "system-info", description = "Print where the natives came from and what they support.")
final class SystemInfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        NativeLibraries.Loaded loaded = Llama.initialize();
        System.out.println("llama-panama  " + Llama.version());
        System.out.println("llama.cpp     " + Llama.llamaCppCommit());
        System.out.println("natives       " + loaded.classifier() + " from " + loaded.source() + " " + loaded.directory());
        if (!loaded.build().isEmpty()) {
            System.out.println("built with    " + loaded.build());
        }
        System.out.println("CPU variant   " + loaded.cpuVariant().orElse("built in (no backend modules)"));
        System.out.println("libraries     " + String.join(", ", loaded.libraries().stream()
                .map(p -> p.getFileName().toString()).toList()));
        System.out.println("projectors    " + (Projector.bf16WeightsAvailable()
                ? "F16 projectors exact in BF16 run from a BF16 copy (this CPU variant has BF16 dot products)"
                : "run as in the file (this CPU variant has no BF16 dot products)"));
        List<String> extra = Projector.cpuExtraBufferTypes();
        System.out.println("extra bufts   " + (extra.isEmpty() ? "none (every matrix in the default CPU buffer)"
                : String.join(", ", extra) + " (matrices of the types they have kernels for, projectors' too)"));
        for (NativeLibraries.Backend b : loaded.backends()) {
            System.out.println("backend       " + b.name() + "  " + b.file().getFileName() + " (" + b.classifier() + ")");
        }
        for (String w : loaded.warnings()) {
            System.out.println("not loaded    " + w);
        }
        for (Device d : Llama.devices()) {
            System.out.printf("device        %s  %s  %s  %d MiB%n", d.name(), d.type(), d.description(),
                    d.memoryTotal() >> 20);
        }
        System.out.println("system        " + Llama.systemInfo());
        System.out.println("max devices   " + Llama.maxDevices());
        System.out.println("mmap / mlock  " + Llama.supportsMmap() + " / " + Llama.supportsMlock());
        System.out.println("GPU offload   " + Llama.supportsGpuOffload());
        System.out.println("media marker  " + Llama.defaultMediaMarker());
        return 0;
    }
}
