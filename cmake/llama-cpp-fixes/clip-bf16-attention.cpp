// llama-panama fix 8: attention in BF16 where the CPU has BF16 dot products (see
// cmake/llama-cpp-fixes.cmake). Set on the thread that loads a projector; its clip_ctx keeps it.
static thread_local bool llama_panama_clip_bf16 = true;
static thread_local bool llama_panama_clip_bf16_taken = false;

// Whether projectors loaded next on this thread may run attention in BF16 (on by default).
extern "C" void llama_panama_clip_use_bf16(bool use) {
    llama_panama_clip_bf16 = use;
    llama_panama_clip_bf16_taken = false;
}

// Whether a projector loaded on this thread since then runs its attention in BF16.
extern "C" bool llama_panama_clip_bf16_attention(void) {
    return llama_panama_clip_bf16_taken;
}

// AVX512_BF16 in the loaded CPU backend: tinyBLAS's BF16 kernel is there (none on other CPUs).
static bool llama_panama_cpu_has_bf16() {
    ggml_backend_dev_t dev = ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU);
    ggml_backend_reg_t reg = dev ? ggml_backend_dev_backend_reg(dev) : nullptr;
    auto get_features = reg ? (ggml_backend_get_features_t) ggml_backend_reg_get_proc_address(reg, "ggml_backend_get_features") : nullptr;
    for (ggml_backend_feature * f = get_features ? get_features(reg) : nullptr; f && f->name; f++) {
        if (strcmp(f->name, "AVX512_BF16") == 0 && strcmp(f->value, "1") == 0) {
            return true;
        }
    }
    return false;
}

