// Two helpers that make llama.cpp cheaper to call through java.lang.foreign. They add no logic.
#include "llama.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#if defined(_WIN32)
#    define LLAMA_PANAMA_API __declspec(dllexport)
#else
#    define LLAMA_PANAMA_API __attribute__((visibility("default")))
#endif

// llama_decode takes its batch by value. A by-value struct makes the Java downcall copy it through
// temporary wrapper objects on every call until the JIT has compiled the call site; a pointer does not.
LLAMA_PANAMA_API int32_t llama_panama_decode(struct llama_context * ctx, const struct llama_batch * batch) {
    return llama_decode(ctx, *batch);
}

// An abort callback (ggml_abort_callback) that reads a flag Java sets to cancel a decode. ggml
// calls the callback between graph nodes, about a thousand times a token on a 0.5B model: a
// Java upcall there would cross into the JVM each time on the compute path.
LLAMA_PANAMA_API bool llama_panama_abort_requested(void * flag) {
    return atomic_load_explicit((const _Atomic int32_t *) flag, memory_order_acquire) != 0;
}
