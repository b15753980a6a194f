// Where an image encode's time goes. clip.cpp (fix 7 in cmake/llama-cpp-fixes.cmake) lets an eval
// callback see the encoder's graph; this one asks for every node, so ggml computes each node on
// its own, and adds the node's time to the linear layers (a matrix product with a weight), to
// attention (products of two activations, and softmax) or to the rest. Profiling changes what it
// measures a little: every node becomes its own graph compute.
#include "ggml.h"
#include "ggml-backend.h"
#include "llama-panama-api.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>


// In libmtmd, from fix 7.
void llama_panama_clip_set_eval_callback(ggml_backend_sched_eval_callback cb, void * user_data);

enum { LINEAR, ATTENTION, REST, KINDS };

static int64_t asked_at;
static int64_t micros[KINDS];
static int64_t nodes[KINDS];

static bool is_weight(const struct ggml_tensor * t) {
    if (t->view_src) {
        t = t->view_src;
    }
    return t->buffer && ggml_backend_buffer_get_usage(t->buffer) == GGML_BACKEND_BUFFER_USAGE_WEIGHTS;
}

static bool on_node(struct ggml_tensor * t, bool ask, void * user_data) {
    (void) user_data;
    if (ask) {
        asked_at = ggml_time_us();
        return true;
    }
    int kind = REST;
    if (t->op == GGML_OP_MUL_MAT) {
        kind = is_weight(t->src[0]) ? LINEAR : ATTENTION;
    } else if (t->op == GGML_OP_SOFT_MAX) {
        kind = ATTENTION;
    }
    micros[kind] += ggml_time_us() - asked_at;
    nodes[kind]++;
    return true;
}

// Starts timing every encoder graph of the process; one profile at a time (the Java side locks).
LLAMA_PANAMA_API void llama_panama_encode_profile_start(void) {
    memset(micros, 0, sizeof(micros));
    memset(nodes, 0, sizeof(nodes));
    llama_panama_clip_set_eval_callback(on_node, NULL);
}

// Stops it and writes microseconds, then node counts, of linear, attention and the rest to out[6].
LLAMA_PANAMA_API void llama_panama_encode_profile_stop(int64_t * out) {
    llama_panama_clip_set_eval_callback(NULL, NULL);
    for (int k = 0; k < KINDS; k++) {
        out[k] = micros[k];
        out[KINDS + k] = nodes[k];
    }
}
