            // llama-panama fix 10: a few heads at a time, so that their scores (n_kv x n_tokens F32
            // per head: 4.3 MB for an InternVL tile) are read back from the cache, not from memory
            const int64_t n_kv = k->ne[1];
            if (q->type == GGML_TYPE_BF16 && v->ne[0] % 32 == 0) { // KQ is BF16 (fix 8): KQV too, now that
                // each head's softmax output is converted while it is still in the cache
                v = ggml_cast(ctx0, v, GGML_TYPE_BF16);
            }
            const int64_t group = std::max<int64_t>(1, ((int64_t) 4 << 20) / (n_kv * n_tokens * (int64_t) sizeof(float)));
            ggml_tensor * kqv = nullptr;
            if (group >= n_head) {
                ggml_tensor * kq = ggml_mul_mat(ctx0, k, q);
                kq = ggml_soft_max_ext(ctx0, kq, kq_mask, kq_scale, 0.0f);
                kqv = ggml_mul_mat(ctx0, v, kq);
            } else {
                std::vector<ggml_tensor *> parts;
                for (int64_t h = 0; h < n_head; h += group) {
                    const int64_t g = std::min(group, n_head - h);
                    ggml_tensor * qg = ggml_view_3d(ctx0, q, q->ne[0], q->ne[1], g, q->nb[1], q->nb[2], h*q->nb[2]);
                    ggml_tensor * kg = ggml_view_3d(ctx0, k, k->ne[0], k->ne[1], g, k->nb[1], k->nb[2], h*k->nb[2]);
                    ggml_tensor * vg = ggml_view_3d(ctx0, v, v->ne[0], v->ne[1], g, v->nb[1], v->nb[2], h*v->nb[2]);
                    ggml_tensor * kq = ggml_mul_mat(ctx0, kg, qg);
                    kq = ggml_soft_max_ext(ctx0, kq, kq_mask, kq_scale, 0.0f);
                    parts.push_back(ggml_mul_mat(ctx0, vg, kq));
                }
                while (parts.size() > 1) { // pairwise: each head's output is copied log2(groups) times
                    std::vector<ggml_tensor *> joined;
                    for (size_t i = 0; i < parts.size(); i += 2) {
                        joined.push_back(i + 1 < parts.size() ? ggml_concat(ctx0, parts[i], parts[i + 1], 2) : parts[i]);
                    }
                    parts = joined;
                }
                kqv = parts[0];
            }
