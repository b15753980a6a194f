///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 22+
//DEPS io.github.llamapanama:llama-panama-spark_2.13:0.1.0-SNAPSHOT
// The natives of the platform JBang runs on (os-maven-plugin's names: linux-x86_64, osx-aarch_64, ...).
//DEPS io.github.llamapanama:llama-panama-natives:0.1.0-SNAPSHOT:${os.detected.classifier}
//DEPS org.apache.spark:spark-sql_2.13:4.2.0
// Spark brings jackson-module-scala 2.21; llama-panama's jackson-databind 2.23 needs the module of its minor version.
//DEPS com.fasterxml.jackson.module:jackson-module-scala_2.13:2.23.0
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED -Xmx2g

import io.github.llamapanama.spark.VisionTransform;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.util.HashMap;
import java.util.Map;

/**
 * Describes every image of a folder with Spark in local mode and writes the answers as Parquet:
 * the same job runs on a cluster with spark-submit (see the README's Spark section).
 */
public class SparkDescribe {
    static final String USAGE = "usage: SparkDescribe --model FILE --mmproj FILE --images DIR --out OUT.parquet"
            + " [--prompt TEXT] [--max-tokens 128] [--cores 2]";

    public static void main(String[] args) {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (!opt.keySet().containsAll(java.util.List.of("model", "mmproj", "images", "out"))) {
            System.err.println(USAGE);
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder()
                .master("local[" + opt.getOrDefault("cores", "2") + "]")
                .appName("describe " + opt.get("images"))
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            Dataset<Row> images = spark.read().format("binaryFile")
                    .option("pathGlobFilter", "*.{jpg,jpeg,png,gif,bmp}")
                    .load(opt.get("images"));
            Dataset<Row> described = VisionTransform.builder()
                    .model(opt.get("model"), opt.get("mmproj"))
                    .prompt(opt.getOrDefault("prompt", "Please describe the image shortly."))
                    .maxTokens(Integer.parseInt(opt.getOrDefault("max-tokens", "128")))
                    .build()
                    .transform(images)
                    .select("path", "answer", "finish_reason", "generated_tokens", "inference_ms", "error");
            described.write().mode(SaveMode.Overwrite).parquet(opt.get("out"));
            for (Row r : spark.read().parquet(opt.get("out")).orderBy("path").collectAsList()) {
                System.out.println(r.getString(0) + "\t" + (r.isNullAt(5) ? r.getString(1) : "ERROR " + r.getString(5)));
            }
        } finally {
            spark.stop();
        }
    }
}
