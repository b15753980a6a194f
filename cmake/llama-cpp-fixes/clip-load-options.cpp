// llama-panama fixes 8 and 9: how the projectors loaded on a thread run (see
// cmake/llama-cpp-fixes.cmake). Set and read on the loading thread, so that two loads at once do
// not mix; each clip_ctx keeps what it got.
static thread_local bool llama_panama_clip_bf16 = true;        // fix 8: BF16 attention where the CPU has BF16 dot products
static thread_local bool llama_panama_clip_extra_bufts = true; // fix 9: matrices in the CPU's extra buffer types
static thread_local std::string llama_panama_clip_loaded;

// Options of the next projectors loaded on this thread (both on by default); forgets what earlier
// loads reported.
extern "C" void llama_panama_clip_load_options(bool bf16, bool extra_bufts) {
    llama_panama_clip_bf16 = bf16;
    llama_panama_clip_extra_bufts = extra_bufts;
    llama_panama_clip_loaded.clear();
}

// What the projectors loaded on this thread since then got, per encoder: "bf16-attention;" when
// attention runs in BF16, and "NAME MATRICES MIB;" for each extra buffer type that took matrices.
extern "C" const char * llama_panama_clip_loaded_report(void) {
    return llama_panama_clip_loaded.c_str();
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

