# Fixes llama-panama applies to the pinned llama.cpp tree before building it: bugs fixed upstream
# after the pinned commit that a Java binding trips over, and what makes a projector fast on a
# CPU. Each fix is an exact text replacement, made on the file as the pinned commit has it (read
# from git, so an edited fix replaces its earlier version instead of stacking on it); a file is
# rewritten only when its text changes, so rebuilds stay incremental, and configuring fails when
# the pinned text is not there.
#
# 1. sgemm's shared chunk counter (upstream: ggml-org/llama.cpp#14035, after b5582).
#    tinyBLAS::gemm hands out work through a function-static std::atomic, one counter for the
#    whole process. Two graphs computing at once (two contexts, or a decode beside an mtmd image
#    encode, on different threads) take chunks from each other's counter: tiles are skipped and
#    the output keeps whatever the buffer held (NaN or stale values). Any x86 CPU variant with
#    AVX or better uses sgemm for F16/BF16/F32/Q8_0/Q4_0 weights. As upstream did, the counter
#    moves into the compute's own threadpool (the one ggml's mul_mat chunking already uses).
#
# 2. CPU variants for AVX512_BF16 without AMX (upstream added the same after b5582). At the pinned
#    commit the only variant built with AVX512_BF16 is sapphirerapids, which needs AMX: Zen 4/5
#    and Cooper Lake load icelake or skylakex and never run the BF16 dot-product kernels. zen4
#    (AVX512 VBMI VNNI BF16) and cooperlake (AVX512 VNNI BF16) score above those on the CPUs that
#    have them, and below sapphirerapids where AMX is there (ggml_backend_cpu_x86_score).
#
# 3. clip.cpp's attention: Q made contiguous before the KQ product. Permuted, it is not, and
#    ggml-cpu only hands a matrix product to tinyBLAS (llamafile_sgemm) when its second operand is
#    contiguous: KQ of a vision encoder (1,025 tokens a tile for InternVL) took ggml's generic
#    dot products instead, about half of an encode on a CPU. The copy costs one pass over Q.
#
# 4. ggml-vulkan asks for CMake 3.19 (for FindVulkan's glslc component and policy CMP0114), and
#    the portable build's Debian 11 root has CMake 3.18. That build names glslc itself
#    (Vulkan_GLSLC_EXECUTABLE), CMP0114 is set where CMake knows it, and the shader generator is
#    built with '--config Release' (3.18 does not read '--config=Release'): 3.18 is enough.
#
# 5. clip.cpp's attention: keys and values padded to a multiple of 16 tokens (32 with BF16 weights, fix 10), the padding masked
#    out of the softmax. tinyBLAS takes an F32 product only when its shared dimension is a
#    multiple of 16 (AVX-512; 8 with AVX2), and KQV's is the token count: 1,025 for InternVL (1,024
#    patches and the CLS token). KQV then took ggml's generic dot products, a third of an encode.
#    Padded keys score 0 and the mask (-1e30) makes their weights exactly 0, so the result is the
#    unpadded attention up to the order of the sums. Only where the model passes no mask of its own.
#
# 7. clip.cpp's encoder graph takes an eval callback, set for the whole process through
#    llama_panama_clip_set_eval_callback (none by default, and then nothing changes): the shim's
#    encode profile (native/shim/encode-profile.c) times each node with it. llama.cpp's own
#    llama-eval-callback does the same for the language model through llama_context_params.
#
# 8. clip.cpp's attention in BF16: with BF16 weights, or with the encoder on a CPU whose ggml
#    variant has AVX512_BF16 (whatever the weights' type: F16, Q8_0, Q4_0), Q and K are cast to
#    BF16 so that KQ runs on tinyBLAS's BF16 kernel, as BF16 linear layers do; scores still
#    accumulate in F32. KQV follows with fix 10. llama_panama_clip_load_options turns it off for
#    the loads on one thread (then only BF16 weights take it) and
#    llama_panama_clip_loaded_report says whether a load took it.
#
# 9. clip.cpp's weights in the CPU's extra buffer types. clip.cpp allocates every weight in the
#    backend's default buffer type, so the kernels that serve llama.cpp's own models from extra
#    buffer types (AMX for Q8_0/Q4_K/F16... on Sapphire Rapids, repacked Q4_0 and Q4_K on any
#    AVX2 CPU) never ran a projector. With the encoder on the CPU, a matrix that only matrix
#    products use (read from the warmup graph) goes to the first extra buffer type whose kernels
#    take all of those products, as llama.cpp's model loader decides for the language model.
#    llama_panama_clip_load_options turns it off for the loads on one thread, and
#    llama_panama_clip_loaded_report says what went where (the fragments in llama-cpp-fixes/).
#
# 10. clip.cpp's attention a head at a time where all heads' scores would not stay in the cache
#    (over 4 MiB: InternVL's 1,025 tokens make 4.3 MB a head, 69 MB for 16). KQ, softmax and KQV
#    of each head then run back to back on scores the cache still holds, instead of three passes
#    over 69 MB from memory; the heads' outputs are joined pairwise (ggml_concat). With BF16
#    weights, KQV runs in BF16 too (V cast once, keys padded to a multiple of 32, tinyBLAS's BF16
#    step): its softmax output is converted while still in the cache. Same sums per head.
#
# 11. ggml-cpu's softmax finds each row's maximum with a scalar loop (ggml_vec_max_f32), one
#    vmaxss waiting on the last: without -ffast-math no compiler vectorizes that reduction. For a
#    vision encoder's 1,056-wide rows that loop was 70% of softmax, 5% of an encode. Sixteen
#    running maxima vectorize; the maximum of finite values is the same whatever the order, so
#    every result is unchanged. The language model's attention rows (n_kv wide) gain as well.
#
# 12. tinyBLAS's tiles sized for the registers clang leaves them: 4 rows by 4 columns with AVX-512
#    (was 4 by 6), 4 by 2 with AVX2/AVX (was 4 by 3). 24 accumulators, 4 rows of A and the 6
#    columns of B clang 16 loads up front need 34 of the 32 zmm registers; 12 accumulators, A, B
#    and the F16 conversions outgrow AVX2's 16 ymm. The kernels spilled accumulators to the stack
#    every step (and zeroed them with memset every tile); GCC, which built the natives before
#    the portable build, did not. Measured on Zen 4 with this build, alternating: zen4 variant, a
#    BF16 tile 3,215 -> 2,717 ms (4x5: 2,737), an F16 tile 4,505 -> 4,395 ms, llama-bench pp256
#    of a BF16 model 342-403 -> 438 t/s; haswell variant, an F16 tile 7,583 -> 5,221 ms and pp256
#    of an F16 model 133 -> 226 t/s (the GCC build's: 221-249). Same sums per element, other
#    tiling: results are unchanged. NEON keeps 4 by 6 (not measured here).

# The fixed text of each file lives in a global property until llama_panama_write_fixes.
function(llama_panama_replace file before after)
    get_property(text GLOBAL PROPERTY "llama_panama_text:${file}")
    get_property(known GLOBAL PROPERTY "llama_panama_text:${file}" SET)
    if(NOT known)
        file(RELATIVE_PATH rel "${LLAMA_PANAMA_FIXES_SRC}" "${file}")
        execute_process(COMMAND git -C "${LLAMA_PANAMA_FIXES_SRC}" show "HEAD:${rel}"
                        OUTPUT_VARIABLE text RESULT_VARIABLE rc ERROR_VARIABLE err)
        if(NOT rc EQUAL 0)
            message(FATAL_ERROR "llama-panama fix: cannot read ${rel} at the pinned commit: ${err}")
        endif()
        set_property(GLOBAL APPEND PROPERTY llama_panama_fixed_files "${file}")
    endif()
    string(FIND "${text}" "${before}" found_at)
    if(found_at EQUAL -1)
        message(FATAL_ERROR "llama-panama fix: ${file} does not hold the pinned text:\n${before}")
    endif()
    string(REPLACE "${before}" "${after}" text "${text}")
    set_property(GLOBAL PROPERTY "llama_panama_text:${file}" "${text}")
endfunction()

# A fix whose new text is a file of its own: the fragment goes in just before the anchor.
set(LLAMA_PANAMA_FIXES_DIR "${CMAKE_CURRENT_LIST_DIR}/llama-cpp-fixes")
function(llama_panama_insert_before file anchor fragment)
    file(READ "${LLAMA_PANAMA_FIXES_DIR}/${fragment}" text)
    llama_panama_replace("${file}" "${anchor}" "${text}${anchor}")
endfunction()

function(llama_panama_write_fixes)
    get_property(files GLOBAL PROPERTY llama_panama_fixed_files)
    foreach(file IN LISTS files)
        get_property(text GLOBAL PROPERTY "llama_panama_text:${file}")
        file(READ "${file}" current)
        if(NOT current STREQUAL text)
            file(WRITE "${file}" "${text}")
            message(STATUS "llama-panama fixes applied to ${file}")
        endif()
    endforeach()
endfunction()

function(llama_panama_apply_fixes src)
    set(LLAMA_PANAMA_FIXES_SRC "${src}")
    set(cpu "${src}/ggml/src/ggml-cpu")
    llama_panama_replace("${cpu}/ggml-cpu-impl.h"
        "void ggml_barrier(struct ggml_threadpool * tp);\n"
        "void ggml_barrier(struct ggml_threadpool * tp);\n\n// llama-panama fix: per-compute work counter for sgemm (see cmake/llama-cpp-fixes.cmake)\nvoid ggml_threadpool_chunk_set(struct ggml_threadpool * tp, int value);\nint  ggml_threadpool_chunk_add(struct ggml_threadpool * tp, int value);\n")
    llama_panama_replace("${cpu}/ggml-cpu.c"
        "#if defined(__gnu_linux__)\nstatic cpu_set_t ggml_get_numa_affinity(void) {"
        "// llama-panama fix: per-compute work counter for sgemm (see cmake/llama-cpp-fixes.cmake)\nvoid ggml_threadpool_chunk_set(struct ggml_threadpool * tp, int value) {\n    atomic_store_explicit(&tp->current_chunk, value, memory_order_relaxed);\n}\n\nint ggml_threadpool_chunk_add(struct ggml_threadpool * tp, int value) {\n    return atomic_fetch_add_explicit(&tp->current_chunk, value, memory_order_relaxed);\n}\n\n#if defined(__gnu_linux__)\nstatic cpu_set_t ggml_get_numa_affinity(void) {")
    set(sgemm "${cpu}/llamafile/sgemm.cpp")
    llama_panama_replace("${sgemm}"
        "        static std::atomic<int64_t> current_chunk;\n"
        "        // llama-panama fix: the counter lives in this compute's threadpool (cmake/llama-cpp-fixes.cmake)\n")
    llama_panama_replace("${sgemm}"
        "std::atomic_store_explicit(&current_chunk, (int64_t)params->nth, std::memory_order_relaxed);"
        "ggml_threadpool_chunk_set(params->threadpool, (int) params->nth);")
    llama_panama_replace("${sgemm}"
        "job = std::atomic_fetch_add_explicit(&current_chunk, (int64_t)1, std::memory_order_relaxed);"
        "job = ggml_threadpool_chunk_add(params->threadpool, 1);")
    llama_panama_replace("${src}/ggml/src/CMakeLists.txt"
        "        ggml_add_cpu_backend_variant(alderlake    SSE42 AVX F16C AVX2 BMI2 FMA AVX_VNNI)\n"
        "        ggml_add_cpu_backend_variant(alderlake    SSE42 AVX F16C AVX2 BMI2 FMA AVX_VNNI)\n        # llama-panama fix: BF16 without AMX (see cmake/llama-cpp-fixes.cmake)\n        ggml_add_cpu_backend_variant(cooperlake   SSE42 AVX F16C AVX2 BMI2 FMA AVX512 AVX512_VNNI AVX512_BF16)\n        ggml_add_cpu_backend_variant(zen4         SSE42 AVX F16C AVX2 BMI2 FMA AVX512 AVX512_VBMI AVX512_VNNI AVX512_BF16)\n")
    llama_panama_replace("${src}/tools/mtmd/clip.cpp"
        "        ggml_tensor * q = ggml_permute(ctx0, q_cur, 0, 2, 1, 3);\n"
        "        // llama-panama fix: contiguous, so that KQ takes tinyBLAS (see cmake/llama-cpp-fixes.cmake)\n        ggml_tensor * q = ggml_cont(ctx0, ggml_permute(ctx0, q_cur, 0, 2, 1, 3));\n")
    llama_panama_replace("${src}/ggml/src/ggml-vulkan/CMakeLists.txt"
        "cmake_minimum_required(VERSION 3.19)\ncmake_policy(SET CMP0114 NEW)\n"
        "# llama-panama fix: CMake 3.18 is enough (see cmake/llama-cpp-fixes.cmake)\ncmake_minimum_required(VERSION 3.18)\nif(POLICY CMP0114)\n    cmake_policy(SET CMP0114 NEW)\nendif()\n")
    llama_panama_replace("${src}/ggml/src/ggml-vulkan/vulkan-shaders/CMakeLists.txt"
        "cmake_minimum_required(VERSION 3.19)\n"
        "# llama-panama fix: CMake 3.18 is enough (see cmake/llama-cpp-fixes.cmake)\ncmake_minimum_required(VERSION 3.18)\n")
    llama_panama_replace("${src}/ggml/src/ggml-vulkan/CMakeLists.txt"
        "        list(APPEND VULKAN_SHADER_GEN_CMAKE_BUILD_ARGS --config=\${CMAKE_BUILD_TYPE})\n"
        "        # llama-panama fix: '--config X', which CMake 3.18 reads too (see cmake/llama-cpp-fixes.cmake)\n        list(APPEND VULKAN_SHADER_GEN_CMAKE_BUILD_ARGS --config \${CMAKE_BUILD_TYPE})\n")
    llama_panama_replace("${src}/tools/mtmd/clip.cpp"
        "        ggml_tensor * k = ggml_permute(ctx0, k_cur, 0, 2, 1, 3);\n"
        "        // llama-panama fix 8: attention in BF16 with BF16 weights or dot products (see cmake/llama-cpp-fixes.cmake)\n        const bool bf16_attn = ctx->llama_panama_bf16_attn || (wo && wo->type == GGML_TYPE_BF16);\n        // llama-panama fix: keys padded to a multiple of 16, masked, so that KQV takes tinyBLAS (see cmake/llama-cpp-fixes.cmake)\n        const int64_t n_kv_pad = kq_mask ? 0 : GGML_PAD(k_cur->ne[2], bf16_attn ? 32 : 16) - k_cur->ne[2];\n        if (n_kv_pad > 0) {\n            const float n_kv = (float) k_cur->ne[2];\n            k_cur = ggml_pad(ctx0, k_cur, 0, 0, (int) n_kv_pad, 0);\n            v_cur = ggml_pad(ctx0, v_cur, 0, 0, (int) n_kv_pad, 0);\n            ggml_tensor * beyond = ggml_step(ctx0, ggml_arange(ctx0, 0.5f - n_kv, (float) n_kv_pad + 0.5f, 1.0f));\n            kq_mask = ggml_repeat(ctx0, ggml_scale(ctx0, beyond, -1e30f),\n                                  ggml_new_tensor_2d(ctx0, GGML_TYPE_F32, k_cur->ne[2], q_cur->ne[2]));\n        }\n        ggml_tensor * k = ggml_permute(ctx0, k_cur, 0, 2, 1, 3);\n")
    llama_panama_replace("${src}/tools/mtmd/clip.cpp"
        "bool clip_image_batch_encode(clip_ctx * ctx, const int n_threads, const clip_image_f32_batch * imgs_c_ptr, float * vec) {\n"
        "// llama-panama fix: an eval callback for every encoder graph, for profiling (see cmake/llama-cpp-fixes.cmake)\nstatic ggml_backend_sched_eval_callback llama_panama_clip_eval_cb = nullptr;\nstatic void * llama_panama_clip_eval_ud = nullptr;\n\nextern \"C\" void llama_panama_clip_set_eval_callback(ggml_backend_sched_eval_callback cb, void * user_data) {\n    llama_panama_clip_eval_ud = user_data;\n    llama_panama_clip_eval_cb = cb;\n}\n\nbool clip_image_batch_encode(clip_ctx * ctx, const int n_threads, const clip_image_f32_batch * imgs_c_ptr, float * vec) {\n")
    llama_panama_replace("${src}/tools/mtmd/clip.cpp"
        "    auto status = ggml_backend_sched_graph_compute(ctx->sched.get(), gf);\n"
        "    // llama-panama fix: the profiling callback, when one is set (see cmake/llama-cpp-fixes.cmake)\n    ggml_backend_sched_set_eval_callback(ctx->sched.get(), llama_panama_clip_eval_cb, llama_panama_clip_eval_ud);\n    auto status = ggml_backend_sched_graph_compute(ctx->sched.get(), gf);\n")
    set(clip "${src}/tools/mtmd/clip.cpp")
    llama_panama_insert_before("${clip}" "struct clip_model_loader {\n" "clip-load-options.cpp")
    llama_panama_insert_before("${clip}" "    void alloc_compute_meta(clip_ctx & ctx_clip) {\n" "clip-extra-bufts-loader.cpp")
    llama_panama_replace("${clip}"
        "    ggml_backend_buffer_ptr buf;\n\n    int max_nodes = 8192;\n"
        "    ggml_backend_buffer_ptr buf;\n    std::vector<ggml_backend_buffer_ptr> llama_panama_bufs_extra; // llama-panama fix 9\n    bool llama_panama_bf16_attn = false; // llama-panama fix 8\n\n    int max_nodes = 8192;\n")
    llama_panama_replace("${clip}"
        "            ctx_clip.buf.reset(ggml_backend_alloc_ctx_tensors_from_buft(ctx_clip.ctx_data.get(), buft));\n"
        "            ctx_clip.llama_panama_bf16_attn = llama_panama_clip_bf16 && ctx_clip.backend == ctx_clip.backend_cpu && llama_panama_cpu_has_bf16(); // llama-panama fix 8\n            if (ctx_clip.llama_panama_bf16_attn) {\n                llama_panama_clip_loaded += \"bf16-attention;\";\n            }\n            llama_panama_alloc_extra_bufts(ctx_clip); // llama-panama fix 9: before the rest is allocated\n            ctx_clip.buf.reset(ggml_backend_alloc_ctx_tensors_from_buft(ctx_clip.ctx_data.get(), buft));\n")
    llama_panama_replace("${clip}"
        "                if (ggml_backend_buft_is_host(buft)) {\n                    // for the CPU and Metal backend"
        "                if (ggml_backend_buffer_is_host(cur->buffer)) { // llama-panama fix 9: per tensor\n                    // for the CPU and Metal backend")
    llama_panama_replace("${src}/tools/mtmd/clip.cpp"
        "        ggml_tensor * k = ggml_permute(ctx0, k_cur, 0, 2, 1, 3);\n        //cb(k, \"k\", il);\n"
        "        ggml_tensor * k = ggml_permute(ctx0, k_cur, 0, 2, 1, 3);\n        //cb(k, \"k\", il);\n        // llama-panama fix 8: KQ in BF16 (see cmake/llama-cpp-fixes.cmake)\n        if (bf16_attn && k->ne[0] % 32 == 0) {\n            q = ggml_cast(ctx0, q, GGML_TYPE_BF16);\n            k = ggml_cast(ctx0, k, GGML_TYPE_BF16);\n        }\n")
    file(READ "${LLAMA_PANAMA_FIXES_DIR}/clip-attention-by-heads.cpp" by_heads)
    llama_panama_replace("${clip}"
        "            ggml_tensor * kq = ggml_mul_mat(ctx0, k, q);\n            // F32 may not needed for vision encoders?\n            // ggml_mul_mat_set_prec(kq, GGML_PREC_F32);\n\n            kq = ggml_soft_max_ext(ctx0, kq, kq_mask, kq_scale, 0.0f);\n\n            ggml_tensor * kqv = ggml_mul_mat(ctx0, v, kq);\n"
        "${by_heads}")
    llama_panama_replace("${cpu}/vec.h"
        "    float max = -INFINITY;\n    for (int i = 0; i < n; ++i) {\n        max = MAX(max, x[i]);\n    }\n    *s = max;\n"
        "    // llama-panama fix 11: sixteen running maxima, one vector register, instead of a chain of\n    // scalar maxima each waiting for the last (see cmake/llama-cpp-fixes.cmake)\n    float m[16];\n    for (int j = 0; j < 16; ++j) {\n        m[j] = -INFINITY;\n    }\n    int i = 0;\n    for (; i + 16 <= n; i += 16) {\n        for (int j = 0; j < 16; ++j) {\n            m[j] = MAX(m[j], x[i + j]);\n        }\n    }\n    float max = -INFINITY;\n    for (int j = 0; j < 16; ++j) {\n        max = MAX(max, m[j]);\n    }\n    for (; i < n; ++i) {\n        max = MAX(max, x[i]);\n    }\n    *s = max;\n")
    llama_panama_replace("${sgemm}"
        "#if VECTOR_REGISTERS == 32\n        if (m % 16 == 0 && (m/16 >= params->nth)) {\n            const int64_t SIZE_N = BLOCK_SIZE<6>(n);\n            mnpack<4, 6, 4>(m, n, SIZE_N, 12);\n            return true;\n        }\n        if (m % 8 == 0 ) {\n            const int64_t SIZE_N = BLOCK_SIZE<6>(n);\n            mnpack<4, 6, 2>(m, n, SIZE_N, 12);\n            return true;\n        }\n        if (m % 4 == 0) {\n            const int64_t SIZE_N = BLOCK_SIZE<6>(n);\n            mnpack<4, 6, 1>(m, n, SIZE_N, 12);\n"
        "#if VECTOR_REGISTERS == 32\n        if (m % 16 == 0 && (m/16 >= params->nth)) {\n            const int64_t SIZE_N = BLOCK_SIZE<LLAMA_PANAMA_RN>(n);\n            mnpack<4, LLAMA_PANAMA_RN, 4>(m, n, SIZE_N, 12);\n            return true;\n        }\n        if (m % 8 == 0 ) {\n            const int64_t SIZE_N = BLOCK_SIZE<LLAMA_PANAMA_RN>(n);\n            mnpack<4, LLAMA_PANAMA_RN, 2>(m, n, SIZE_N, 12);\n            return true;\n        }\n        if (m % 4 == 0) {\n            const int64_t SIZE_N = BLOCK_SIZE<LLAMA_PANAMA_RN>(n);\n            mnpack<4, LLAMA_PANAMA_RN, 1>(m, n, SIZE_N, 12);\n")
    llama_panama_replace("${sgemm}"
        "#define VECTOR_REGISTERS 32\n"
        "#define VECTOR_REGISTERS 32\n// llama-panama fix 12: 4x4 tiles with AVX-512, which clang keeps in registers (see cmake/llama-cpp-fixes.cmake)\n#if defined(__AVX512F__)\n#define LLAMA_PANAMA_RN 4\n#else\n#define LLAMA_PANAMA_RN 6\n#endif\n")
    llama_panama_replace("${sgemm}"
        "#define VECTOR_REGISTERS 16\n"
        "#define VECTOR_REGISTERS 16\n// llama-panama fix 12: 4x2 tiles, which clang keeps in registers (see cmake/llama-cpp-fixes.cmake)\n#define LLAMA_PANAMA_RN16 2\n")
    llama_panama_replace("${sgemm}"
        "#else  // VECTOR_REGISTERS == 16\n        if (m % 16 == 0 && (m/16 >= params->nth)) {\n            const int64_t SIZE_N = BLOCK_SIZE<3>(n);\n            mnpack<4, 3, 4>(m, n, SIZE_N, 24);\n            return true;\n        }\n        if (m % 8 == 0 ) {\n            const int64_t SIZE_N = BLOCK_SIZE<3>(n);\n            mnpack<4, 3, 2>(m, n, SIZE_N, 24);\n            return true;\n        }\n        if (m % 4 == 0) {\n            const int64_t SIZE_N = BLOCK_SIZE<3>(n);\n            mnpack<4, 3, 1>(m, n, SIZE_N, 24);\n"
        "#else  // VECTOR_REGISTERS == 16\n        if (m % 16 == 0 && (m/16 >= params->nth)) {\n            const int64_t SIZE_N = BLOCK_SIZE<LLAMA_PANAMA_RN16>(n);\n            mnpack<4, LLAMA_PANAMA_RN16, 4>(m, n, SIZE_N, 24);\n            return true;\n        }\n        if (m % 8 == 0 ) {\n            const int64_t SIZE_N = BLOCK_SIZE<LLAMA_PANAMA_RN16>(n);\n            mnpack<4, LLAMA_PANAMA_RN16, 2>(m, n, SIZE_N, 24);\n            return true;\n        }\n        if (m % 4 == 0) {\n            const int64_t SIZE_N = BLOCK_SIZE<LLAMA_PANAMA_RN16>(n);\n            mnpack<4, LLAMA_PANAMA_RN16, 1>(m, n, SIZE_N, 24);\n")
    llama_panama_write_fixes()
endfunction()
