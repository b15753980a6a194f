// llama-panama fix 9: where a projector's matrices live (see cmake/llama-cpp-fixes.cmake). Set and
// read on the thread that loads the projector, so that two loads at once do not mix.
static thread_local bool llama_panama_clip_extra_bufts = true;
static thread_local std::string llama_panama_clip_placed;

// Whether the next projectors loaded on this thread may put matrices in the CPU's extra buffer
// types (on by default, as for llama.cpp's models); also forgets what earlier loads placed.
extern "C" void llama_panama_clip_use_extra_bufts(bool use) {
    llama_panama_clip_extra_bufts = use;
    llama_panama_clip_placed.clear();
}

// What the projectors loaded on this thread since then put in extra buffer types, as
// "CPU_AARCH64 96 2.25;" (buffer type, matrices, MiB) per type and encoder; empty for none.
extern "C" const char * llama_panama_clip_weight_bufts(void) {
    return llama_panama_clip_placed.c_str();
}

