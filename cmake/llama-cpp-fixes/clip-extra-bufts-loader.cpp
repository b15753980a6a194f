    // llama-panama fix 9: with the encoder on the CPU, each matrix that only matrix products use
    // goes to the first of the CPU's extra buffer types (AMX, repacked Q4_0/Q4_K) whose kernels
    // take every one of those products, as llama.cpp's model loader does for the language model.
    // Which products use a matrix is read from the warmup graph, built from shapes alone.
    void llama_panama_alloc_extra_bufts(clip_ctx & ctx_clip) {
        if (!llama_panama_clip_extra_bufts || ctx_clip.backend != ctx_clip.backend_cpu) {
            return;
        }
        ggml_backend_dev_t dev = ggml_backend_get_device(ctx_clip.backend_cpu);
        auto get_extra_bufts = (ggml_backend_dev_get_extra_bufts_t)
            ggml_backend_reg_get_proc_address(ggml_backend_dev_backend_reg(dev), "ggml_backend_dev_get_extra_bufts");
        std::vector<ggml_backend_buffer_type_t> extra;
        for (ggml_backend_buffer_type_t * p = get_extra_bufts ? get_extra_bufts(dev) : nullptr; p && *p; ++p) {
            extra.push_back(*p);
        }
        if (extra.empty()) {
            return;
        }
        std::vector<ggml_tensor *> weights;
        std::map<ggml_tensor *, std::vector<ggml_tensor *>> uses; // nullptr: a use other than src0 of a product
        for (ggml_tensor * t = ggml_get_first_tensor(ctx_clip.ctx_data.get()); t; t = ggml_get_next_tensor(ctx_clip.ctx_data.get(), t)) {
            if (ggml_n_dims(t) == 2) {
                weights.push_back(t);
                uses[t];
            }
        }
        ctx_clip.buf_compute_meta.resize(ctx_clip.max_nodes * ggml_tensor_overhead() + ggml_graph_overhead());
        clip_image_f32_batch batch;
        clip_image_f32_ptr img(clip_image_f32_init());
        if (ctx_clip.model.modality == CLIP_MODALITY_VISION) {
            img->nx = ctx_clip.model.hparams.warmup_image_size;
            img->ny = ctx_clip.model.hparams.warmup_image_size;
        } else {
            img->nx = ctx_clip.model.hparams.warmup_audio_size;
            img->ny = ctx_clip.model.hparams.n_mel_bins;
        }
        batch.entries.push_back(std::move(img));
        ggml_cgraph * gf = clip_image_build_graph(&ctx_clip, batch);
        for (int i = 0; i < ggml_graph_n_nodes(gf); i++) {
            ggml_tensor * node = ggml_graph_node(gf, i);
            for (int s = 0; s < GGML_MAX_SRC; s++) {
                auto it = node->src[s] ? uses.find(node->src[s]) : uses.end();
                if (it != uses.end()) {
                    it->second.push_back(s == 0 && node->op == GGML_OP_MUL_MAT ? node : nullptr);
                }
            }
        }
        std::map<ggml_backend_buffer_type_t, std::vector<ggml_tensor *>> placed;
        for (ggml_tensor * w : weights) {
            const auto & nodes = uses[w];
            bool products = !nodes.empty();
            for (ggml_tensor * n : nodes) {
                products = products && n != nullptr;
            }
            for (size_t b = 0; products && b < extra.size(); b++) {
                w->buffer = ggml_backend_buft_alloc_buffer(extra[b], 0); // so that supports_op sees the type
                bool ok = true;
                for (ggml_tensor * n : nodes) {
                    ok = ok && ggml_backend_dev_supports_op(dev, n);
                }
                ggml_backend_buffer_free(w->buffer);
                w->buffer = nullptr;
                if (ok) {
                    placed[extra[b]].push_back(w);
                    break;
                }
            }
        }
        for (ggml_backend_buffer_type_t buft : extra) {
            const auto & ts = placed[buft];
            if (ts.empty()) {
                continue;
            }
            const size_t align = ggml_backend_buft_get_alignment(buft);
            size_t size = 0;
            for (ggml_tensor * t : ts) {
                size += GGML_PAD(ggml_backend_buft_get_alloc_size(buft, t), align);
            }
            ggml_backend_buffer_t buf = ggml_backend_buft_alloc_buffer(buft, size);
            if (!buf) {
                throw std::runtime_error(string_format("%s: failed to allocate %zu bytes of %s\n", __func__, size, ggml_backend_buft_name(buft)));
            }
            ctx_clip.llama_panama_bufs_extra.emplace_back(buf);
            ggml_backend_buffer_set_usage(buf, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
            ggml_tallocr alloc = ggml_tallocr_new(buf);
            for (ggml_tensor * t : ts) {
                if (ggml_tallocr_alloc(&alloc, t) != GGML_STATUS_SUCCESS) {
                    throw std::runtime_error(string_format("%s: failed to place %s in %s\n", __func__, t->name, ggml_backend_buft_name(buft)));
                }
            }
            LOG_INF("%s: %zu matrices (%.2f MiB) in %s\n", __func__, ts.size(), size / 1024.0 / 1024.0, ggml_backend_buft_name(buft));
            llama_panama_clip_loaded += string_format("%s %zu %.2f;", ggml_backend_buft_name(buft), ts.size(), size / 1024.0 / 1024.0);
        }
    }

