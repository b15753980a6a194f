package io.github.llamapanama.spark;

import io.github.llamapanama.generation.GenerationResult;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.Locale;

/** The columns the transforms add to each row. */
final class Outputs {
    static final String ANSWER = "answer";
    static final String FINISH_REASON = "finish_reason";
    static final String PROMPT_TOKENS = "prompt_tokens";
    static final String GENERATED_TOKENS = "generated_tokens";
    static final String INFERENCE_MS = "inference_ms";
    static final String EMBEDDING = "embedding";
    static final String ERROR = "error";
    static final String ANSWER_TOKENS = "answer_tokens";

    private Outputs() {}

    /** answer, finish_reason, prompt_tokens, generated_tokens, inference_ms, error after the input's columns. */
    static StructType generation(StructType in, boolean tokens) {
        StructType out = add(in, new String[] {ANSWER, FINISH_REASON, PROMPT_TOKENS, GENERATED_TOKENS, INFERENCE_MS, ERROR},
                new DataType[] {DataTypes.StringType, DataTypes.StringType, DataTypes.IntegerType,
                        DataTypes.IntegerType, DataTypes.DoubleType, DataTypes.StringType});
        return tokens ? add(out, new String[] {ANSWER_TOKENS},
                new DataType[] {DataTypes.createArrayType(DataTypes.IntegerType, false)}) : out;
    }

    /** embedding (array of float) and error after the input's columns. */
    static StructType embedding(StructType in) {
        return add(in, new String[] {EMBEDDING, ERROR},
                new DataType[] {DataTypes.createArrayType(DataTypes.FloatType, false), DataTypes.StringType});
    }

    private static StructType add(StructType in, String[] names, DataType[] types) {
        StructType out = in;
        for (int i = 0; i < names.length; i++) {
            if (Arrays.asList(in.fieldNames()).contains(names[i])) {
                throw new IllegalArgumentException("the input already has a column '" + names[i]
                        + "': rename or drop it before the transform");
            }
            out = out.add(names[i], types[i], true);
        }
        return out;
    }

    static Row generated(Row in, GenerationResult r, boolean tokens) {
        String finish = r.finishReason().name().toLowerCase(Locale.ROOT);
        double millis = r.stats().promptMillis() + r.stats().generationMillis();
        if (!tokens) {
            return append(in, r.text(), finish, r.stats().promptTokens(), r.stats().generatedTokens(), millis, null);
        }
        Integer[] ids = new Integer[r.tokens().length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.tokens()[i];
        }
        return append(in, r.text(), finish, r.stats().promptTokens(), r.stats().generatedTokens(), millis, null, ids);
    }

    static Row generationFailed(Row in, String error, boolean tokens) {
        return tokens ? append(in, null, null, null, null, null, error, null)
                : append(in, null, null, null, null, null, error);
    }

    static Row embedded(Row in, float[] vector) {
        Float[] boxed = new Float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            boxed[i] = vector[i];
        }
        return append(in, boxed, null);
    }

    static Row embeddingFailed(Row in, String error) {
        return append(in, null, error);
    }

    /** The reason a row failed, for the error column: the exception's type and message. */
    static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static Row append(Row in, Object... values) {
        Object[] all = new Object[in.length() + values.length];
        for (int i = 0; i < in.length(); i++) {
            all[i] = in.get(i);
        }
        System.arraycopy(values, 0, all, in.length(), values.length);
        return RowFactory.create(all);
    }
}
