package io.github.llamapanama.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * The configurable stages of llama.cpp's common sampler (common_sampler_type), in
 * {@link SamplingParams#samplers()} order. Names and one-letter codes are llama.cpp's, as
 * {@code --samplers} and {@code --sampling-seq} take them.
 */
public enum SamplerType {
    PENALTIES("penalties", 'e'),
    DRY("dry", 'd'),
    TOP_N_SIGMA("top_n_sigma", 's'),
    TOP_K("top_k", 'k'),
    TYPICAL_P("typ_p", 'y'),
    TOP_P("top_p", 'p'),
    MIN_P("min_p", 'm'),
    XTC("xtc", 'x'),
    TEMPERATURE("temperature", 't'),
    INFILL("infill", 'i');

    /** common/common.h's default order at this llama.cpp revision. */
    public static final List<SamplerType> DEFAULT_ORDER = List.of(PENALTIES, DRY, TOP_N_SIGMA, TOP_K,
            TYPICAL_P, TOP_P, MIN_P, XTC, TEMPERATURE);

    private final String llamaName;
    private final char code;

    SamplerType(String llamaName, char code) {
        this.llamaName = llamaName;
        this.code = code;
    }

    /** llama.cpp's canonical name, e.g. {@code top_k}. */
    public String llamaName() {
        return llamaName;
    }

    /** llama.cpp's one-letter code, e.g. {@code k}. */
    public char code() {
        return code;
    }

    /**
     * The type for a canonical name, or also for an alternative one ({@code top-k}, {@code nucleus},
     * {@code temp}, ...) when {@code allowAltNames}, as common_sampler_types_from_names.
     *
     * @throws IllegalArgumentException for an unknown name (llama.cpp only warns and skips it)
     */
    public static SamplerType fromName(String name, boolean allowAltNames) {
        for (SamplerType t : values()) {
            if (t.llamaName.equals(name)) {
                return t;
            }
        }
        if (allowAltNames && name != null) {
            SamplerType alt = switch (name) {
                case "top-k" -> TOP_K;
                case "top-p", "nucleus" -> TOP_P;
                case "top-n-sigma" -> TOP_N_SIGMA;
                case "typical-p", "typical", "typ-p", "typ" -> TYPICAL_P;
                case "min-p" -> MIN_P;
                case "temp" -> TEMPERATURE;
                default -> null;
            };
            if (alt != null) {
                return alt;
            }
        }
        throw new IllegalArgumentException("unknown sampler name '" + name + "'");
    }

    /** The types for a string of one-letter codes, e.g. {@code "edskypmxt"}. */
    public static List<SamplerType> fromCodes(String codes) {
        List<SamplerType> out = new ArrayList<>(codes.length());
        for (char c : codes.toCharArray()) {
            SamplerType found = null;
            for (SamplerType t : values()) {
                if (t.code == c) {
                    found = t;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown sampler code '" + c + "' in '" + codes + "'");
            }
            out.add(found);
        }
        return List.copyOf(out);
    }
}
