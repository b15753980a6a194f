// What the shim's sources export.
#pragma once

#if defined(_WIN32)
#    define LLAMA_PANAMA_API __declspec(dllexport)
#else
#    define LLAMA_PANAMA_API __attribute__((visibility("default")))
#endif
