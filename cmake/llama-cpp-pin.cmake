# The one llama.cpp revision llama-panama is built and tested against.
# build-native.sh reads these three lines too; keep them as plain set() calls.
set(LLAMA_CPP_COMMIT "ea1431b0fa3a8108aac1e0a94a13ccc4a749963e")
set(LLAMA_CPP_BUILD_NUMBER "5582")
set(LLAMA_CPP_DEFAULT_GIT_URL "https://github.com/ggml-org/llama.cpp.git")
