// Helpers that make llama.cpp cheaper to call through java.lang.foreign. They add no logic.
#include "llama.h"

#if defined(LLAMA_PANAMA_OPENMP)
#    include <omp.h>
#endif

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "llama-panama-api.h"

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

// llama_sampler_sample with the candidates in a buffer the caller keeps. llama_sampler_sample
// allocates and fills a fresh vector of n_vocab candidates on every call (1.8 MB for a 151k
// vocabulary: over a millisecond a token on a 2-core VM, mostly page faults), which
// common_sampler avoids by reusing one. Returns the accepted token; -1 where llama_sampler_sample
// would abort (no logits at idx, or the chain selected nothing) or the buffer is too small.
LLAMA_PANAMA_API llama_token llama_panama_sample(struct llama_sampler * smpl, struct llama_context * ctx, int32_t idx,
                                                 llama_token_data * cur, int32_t capacity) {
    const float * logits = llama_get_logits_ith(ctx, idx);
    const int32_t n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(llama_get_model(ctx)));
    if (logits == NULL || n_vocab > capacity) {
        return -1;
    }
    for (llama_token id = 0; id < n_vocab; id++) {
        cur[id] = (llama_token_data) { id, logits[id], 0.0f };
    }
    llama_token_data_array cur_p = { cur, (size_t) n_vocab, -1, false };
    llama_sampler_apply(smpl, &cur_p);
    if (cur_p.selected < 0 || cur_p.selected >= (int64_t) cur_p.size) {
        return -1;
    }
    const llama_token token = cur_p.data[cur_p.selected].id;
    llama_sampler_accept(smpl, token);
    return token;
}

// Frees the OpenMP thread team that the calling thread keeps after a parallel region (ggml's graph
// compute, the AMX weight conversion at model load). libgomp keeps one idle team per thread that
// ever started one and counts all their threads; once that count exceeds the CPUs, it stops
// spin-waiting at barriers in every team, and a decode on another thread then sleeps at each of
// its ~900 graph barriers a token. Freeing the team (omp_pause_resource_all, OpenMP 5.0) makes the
// thread a plain thread again; its next parallel region starts a new team. LLVM's libomp (the
// portable natives) keeps one pool of workers for all threads: the soft pause puts it to sleep,
// and a second pause before the next parallel region is refused as "already paused", which is
// no failure. Returns 0 where an OpenMP runtime was asked, 1 where the natives were built
// without OpenMP (nothing to free).
LLAMA_PANAMA_API int32_t llama_panama_release_compute_threads(void) {
#if defined(LLAMA_PANAMA_OPENMP) && !defined(_MSC_VER)
    // No _OPENMP version test: GCC 12 implements omp_pause_resource_all but reports OpenMP 4.5.
    // MSVC's OpenMP 2.0 runtime lacks it: there this frees nothing and returns 1.
    (void) omp_pause_resource_all(omp_pause_soft);
    return 0;
#else
    return 1;
#endif
}
