/**
 * Apache Spark transforms on llama-panama: each executor loads the model once and answers its
 * rows; failures are a row's {@code error}, not a failed job.
 *
 * {@snippet :
 * Dataset<Row> described = VisionTransform.builder()
 *         .model("/models/model.gguf", "/models/mmproj.gguf")
 *         .prompt("Please describe the image shortly.")
 *         .maxTokens(128)
 *         .build().transform(spark.read().format("binaryFile").load("photos/"));
 * }
 */
package io.github.llamapanama.spark;
