package io.github.llamapanama.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;

/** A fixed prompt, or a string column holding one per row. */
record Prompts(String fixed, int column, String name) implements Serializable {

    /** A transform takes a fixed prompt or a prompt column, exactly one of them. */
    static void requireOne(String fixed, String column) {
        if ((fixed == null) == (column == null)) {
            throw new IllegalArgumentException("give a prompt or a promptColumn (one of them)");
        }
    }

    static Prompts of(StructType schema, String fixed, String column) {
        if (column == null) {
            return new Prompts(fixed, -1, null);
        }
        int index = MediaInput.index(schema, column);
        if (!(schema.fields()[index].dataType() instanceof StringType)) {
            throw new IllegalArgumentException("prompt column '" + column + "' is "
                    + schema.fields()[index].dataType().simpleString() + ", not string");
        }
        return new Prompts(null, index, column);
    }

    String of(Row row) {
        if (column < 0) {
            return fixed;
        }
        if (row.isNullAt(column)) {
            throw new IllegalArgumentException("prompt column '" + name + "' is null");
        }
        return row.getString(column);
    }
}
