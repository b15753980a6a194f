// The CPU backend's extra buffer types (AMX, repacked quantizations), by name: what a projector's
// matrices may be placed in (fix 9 in cmake/llama-cpp-fixes.cmake) and llama.cpp's models use.
#include "ggml-backend.h"
#include "llama-panama-api.h"

#include <stddef.h>
#include <string.h>

// Writes the names, comma-separated, to out (NUL-terminated, cut at size); returns how many.
LLAMA_PANAMA_API int llama_panama_cpu_extra_bufts(char * out, size_t size) {
    if (size > 0) {
        out[0] = '\0';
    }
    ggml_backend_dev_t dev = ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU);
    if (!dev) {
        return 0;
    }
    ggml_backend_dev_get_extra_bufts_t get = (ggml_backend_dev_get_extra_bufts_t)
        ggml_backend_reg_get_proc_address(ggml_backend_dev_backend_reg(dev), "ggml_backend_dev_get_extra_bufts");
    int n = 0;
    for (ggml_backend_buffer_type_t * p = get ? get(dev) : NULL; p && *p; ++p, ++n) {
        size_t used = strlen(out);
        const char * name = ggml_backend_buft_name(*p);
        if (size > used + strlen(name) + 2) {
            strcat(strcat(out, n ? "," : ""), name);
        }
    }
    return n;
}
