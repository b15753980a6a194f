package io.github.llamapanama;

/**
 * A compute device that ggml's registered backends offer (ggml_backend_dev_*): the CPU, and a GPU
 * for each GPU backend that found one.
 *
 * @param name        ggml's device name ("CPU", "Vulkan0", "CUDA0")
 * @param description the device's own description (the CPU model, the GPU name)
 * @param type        CPU, GPU or an accelerator that works alongside the CPU
 * @param memoryFree  free memory in bytes, as the backend reports it
 * @param memoryTotal total memory in bytes
 */
public record Device(String name, String description, Type type, long memoryFree, long memoryTotal) {

    /** ggml_backend_dev_type. */
    public enum Type { CPU, GPU, ACCEL }
}
