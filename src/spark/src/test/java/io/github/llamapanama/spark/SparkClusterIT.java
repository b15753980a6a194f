package io.github.llamapanama.spark;

import io.github.llamapanama.Llama;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationResult;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standalone Spark cluster on this machine: a master and a worker started as separate JVMs
 * from the test classpath, the executor getting llama-panama as its jars (the main jar and the
 * natives jar, extracted into an empty cache, so nothing comes from the build's staging
 * directory). The driver is this JVM.
 */
class SparkClusterIT {
    static final int IMAGES = 8;
    static final String QUESTION = "Please describe the image shortly.";
    static final int MAX_TOKENS = 8;

    @TempDir
    static Path dir;
    static final List<Process> daemons = new ArrayList<>();
    static SparkSession spark;
    static Path images;
    static Map<String, GenerationResult> expected;

    @BeforeAll
    static void startCluster() throws Exception {
        List<Path> files = SparkFixtures.manyImages(dir.resolve("images"), IMAGES);
        images = dir.resolve("images");
        expected = SparkFixtures.visionBatch(files, QUESTION, MAX_TOKENS, 2);

        Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars"));
        String cp = System.getProperty("java.class.path");
        int masterPort = freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        daemons.add(daemon("master", cp, sparkHome.getParent(), "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(freePort())));
        daemons.add(daemon("worker", cp, sparkHome.getParent(), "org.apache.spark.deploy.worker.Worker", master,
                "--host", "127.0.0.1", "--cores", "2", "--memory", "1g", "--webui-port", String.valueOf(freePort()),
                "--work-dir", Files.createDirectories(dir.resolve("work")).toString()));

        // The executor runs llama-panama from its jars: this module's target/classes is swapped for its jar, the natives jar is added.
        Path classes = Path.of(System.getProperty("main.jar")).getParent().resolve("classes").toAbsolutePath();
        List<String> executorCp = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            executorCp.add(Path.of(entry).toAbsolutePath().equals(classes) ? System.getProperty("main.jar") : entry);
        }
        executorCp.add(System.getProperty("natives.jar"));
        spark = SparkSession.builder().master(master).appName("llama-panama-cluster-it")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m")
                .config("spark.executor.cores", "2")
                .config("spark.executor.extraClassPath", String.join(File.pathSeparator, executorCp))
                .config("spark.executor.extraJavaOptions", "-Dllama.panama.cache=" + dir.resolve("executor-cache"))
                .config("spark.task.maxFailures", "4")
                .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString())
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process daemon(String name, String cp, Path sparkHome, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", cp, main));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    @AfterAll
    static void stopCluster() {
        if (spark != null) {
            spark.stop();
        }
        for (Process p : daemons.reversed()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private Dataset<Row> describe(int partitions) {
        return vision().build().transform(spark.read().format("binaryFile").load(images.toString()).repartition(partitions));
    }

    /** One image path a partition, with no shuffle: the job is one stage of IMAGES tasks. */
    private Dataset<Row> describePaths() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (var files = Files.list(images)) {
            files.sorted().forEach(f -> rows.add(RowFactory.create("file:" + f)));
        }
        JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, rows.size());
        return vision().imageColumn("path").build()
                .transform(spark.createDataFrame(rdd, new StructType().add("path", DataTypes.StringType)));
    }

    private static VisionTransform.Builder vision() {
        return VisionTransform.builder()
                .model(Fixtures.tinyQwen2().toString(), Fixtures.tinyInternVlMmproj().toString())
                .prompt(QUESTION).maxTokens(MAX_TOKENS).sequences(2).contextPerSequence(1024).answerTokens(true);
    }

    private static void assertEveryImageAnsweredOnceAsVisionBatch(List<Row> rows) {
        Map<String, Row> byName = new TreeMap<>();
        for (Row r : rows) {
            String name = Path.of(r.<String>getAs("path").replaceFirst("^file:", "")).getFileName().toString();
            assertNull(byName.put(name, r), "answered twice: " + name);
            assertNull(r.getAs("error"), r.toString());
        }
        assertEquals(expected.keySet(), byName.keySet());
        for (Map.Entry<String, GenerationResult> e : expected.entrySet()) {
            List<Integer> got = byName.get(e.getKey()).getList(byName.get(e.getKey()).fieldIndex("answer_tokens"));
            assertArrayEquals(e.getValue().tokens(), got.stream().mapToInt(Integer::intValue).toArray(), e.getKey());
        }
    }

    /** Which natives each executor loaded, from where, and the executor's process id. */
    record NativesProbe() implements MapPartitionsFunction<Long, String> {
        @Override
        public java.util.Iterator<String> call(java.util.Iterator<Long> ignored) {
            var loaded = Llama.initialize();
            return List.of(loaded.source() + " " + loaded.directory() + " " + ProcessHandle.current().pid()).iterator();
        }
    }

    private static List<String> probe() {
        return spark.range(0, 2, 1, 2).as(Encoders.LONG()).mapPartitions(new NativesProbe(), Encoders.STRING())
                .collectAsList();
    }

    @Test
    void theExecutorLoadsTheNativesFromTheNativesJarAndAnswersAsVisionBatch() {
        for (String s : probe()) {
            assertTrue(s.startsWith("CLASSPATH_JAR " + dir.resolve("executor-cache")), s);
        }
        assertEveryImageAnsweredOnceAsVisionBatch(describe(4).collectAsList());
    }

    @Test
    void aKilledExecutorsTasksAreRetriedAndEveryRowIsWrittenOnce() throws Exception {
        String executor = probe().getFirst();
        ProcessHandle victim = ProcessHandle.of(Long.parseLong(executor.substring(executor.lastIndexOf(' ') + 1)))
                .orElseThrow();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger failedTasks = new AtomicInteger();
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                    failedTasks.incrementAndGet();
                } else if (killed.compareAndSet(false, true)) {
                    victim.destroyForcibly(); // SIGKILL, mid-job
                }
            }
        };
        spark.sparkContext().addSparkListener(killer);
        try {
            Path out = dir.resolve("answers.parquet");
            describePaths().write().parquet(out.toString());
            assertTrue(killed.get(), "an executor was killed");
            assertTrue(victim.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS) != null && !victim.isAlive());
            assertTrue(failedTasks.get() > 0, "tasks were lost with the executor");
            assertEveryImageAnsweredOnceAsVisionBatch(spark.read().parquet(out.toString()).collectAsList());
        } finally {
            spark.sparkContext().removeSparkListener(killer);
        }
    }
}
