package io.github.llamapanama.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.util.HashMap;
import java.util.Map;

/**
 * A ready-made job for {@code spark-submit}: describes every image under a folder (any Hadoop
 * file system) and writes path, answer and timings as Parquet.
 *
 * <pre>
 * spark-submit --class io.github.llamapanama.spark.DescribeFolder --jars NATIVES.jar llama-panama.jar \
 *     --model M.gguf --mmproj P.gguf [--spark-files] [--hub org/name[:quant]] --images DIR --out OUT.parquet
 *     [--prompt TEXT] [--max-tokens 128] [--sequences 8] [--partitions N] [--max-tiles 1]
 * </pre>
 *
 * {@code --spark-files}: the model names are files shipped with {@code spark-submit --files}.
 */
public final class DescribeFolder {
    static final String USAGE = "usage: DescribeFolder (--model FILE --mmproj FILE [--spark-files] | --hub REPO[:QUANT])"
            + " --images DIR --out OUT.parquet [--prompt TEXT] [--max-tokens 128] [--sequences 8] [--partitions N]"
            + " [--max-tiles 1] [--glob *.{jpg,jpeg,png,gif,bmp}]";

    private DescribeFolder() {}

    public static void main(String[] args) {
        Map<String, String> opt = options(args);
        if (opt == null) {
            System.err.println(USAGE);
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("llama-panama describe").getOrCreate();
        try {
            long rows = run(spark, opt);
            System.out.println("described " + rows + " images into " + opt.get("out"));
        } finally {
            spark.stop();
        }
    }

    /** {@code --name value} pairs and the {@code --spark-files} flag; null when a required one is missing. */
    static Map<String, String> options(String[] args) {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--spark-files")) {
                opt.put("spark-files", "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                opt.put(args[i].substring(2), args[++i]);
            } else {
                return null;
            }
        }
        boolean files = opt.containsKey("model") && opt.containsKey("mmproj");
        return (files || opt.containsKey("hub")) && opt.containsKey("images") && opt.containsKey("out") ? opt : null;
    }

    /** Runs the job; returns how many images were described. */
    public static long run(SparkSession spark, Map<String, String> opt) {
        Dataset<Row> images = spark.read().format("binaryFile")
                .option("pathGlobFilter", opt.getOrDefault("glob", "*.{jpg,jpeg,png,gif,bmp,JPG,JPEG,PNG}"))
                .option("recursiveFileLookup", "true")
                .load(opt.get("images"));
        if (opt.containsKey("partitions")) {
            images = images.repartition(Integer.parseInt(opt.get("partitions")));
        }
        VisionTransform.Builder b = VisionTransform.builder()
                .prompt(opt.getOrDefault("prompt", "Please describe the image shortly."))
                .maxTokens(Integer.parseInt(opt.getOrDefault("max-tokens", "128")))
                .sequences(Integer.parseInt(opt.getOrDefault("sequences", "8")))
                .maxTiles(Integer.parseInt(opt.getOrDefault("max-tiles", "1")));
        if (opt.containsKey("hub")) {
            b.hub(opt.get("hub"));
        } else if (opt.containsKey("spark-files")) {
            b.sparkFiles(opt.get("model"), opt.get("mmproj"));
        } else {
            b.model(opt.get("model"), opt.get("mmproj"));
        }
        Dataset<Row> described = b.build().transform(images)
                .select("path", "answer", "finish_reason", "prompt_tokens", "generated_tokens", "inference_ms", "error");
        described.write().mode(SaveMode.Overwrite).parquet(opt.get("out"));
        return spark.read().parquet(opt.get("out")).count();
    }
}
