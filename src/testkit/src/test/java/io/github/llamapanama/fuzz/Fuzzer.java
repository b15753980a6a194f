package io.github.llamapanama.fuzz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Fuzzes model and projector files and images through the native code, each case in a child
 * JVM ({@link FuzzChild}) so that a crash or hang is recorded with its case and file instead of
 * taking the run down. Cases are batched into long-lived children; a child that dies is
 * replaced and the run goes on from the next case.
 *
 * {@snippet lang=sh :
 * mvn -q -pl src/testkit -am test-compile exec:java@fuzz -Dexec.args="--model 10000 --projector 10000 --image 10000"
 * }
 *
 * <p>Case {@code i} of a kind in a run with seed {@code S} mutates with the case seed
 * {@code S * 1,000,003 + i}; a crash or hang is reported with S and i, and
 * {@code --seed S --case kind:i} runs that case alone.
 */
public final class Fuzzer {
    /** What to run. */
    public record Options(int models, int projectors, int images, int serverImages, long seed, int jobs,
                          int batch, long caseTimeoutSeconds, Path out, String only) {
        /** The CI-sized run with the fixed seed 1. */
        public static Options ci(Path out) {
            return new Options(1000, 300, 1000, 100, 1, 2, 2000, 120, out, null);
        }

        public Options withSeed(long s, Path o) {
            return new Options(models, projectors, images, serverImages, s, jobs, batch, caseTimeoutSeconds, o, only);
        }

        public Options scaled(double scale) {
            return new Options((int) (models * scale), (int) (projectors * scale), (int) (images * scale),
                    (int) (serverImages * scale), seed, jobs, batch, caseTimeoutSeconds, out, only);
        }
    }

    /** The seed of case i of a run with this seed. */
    public static long caseSeed(long runSeed, long i) {
        return runSeed * 1_000_003L + i;
    }

    /**
     * A case that crashed or hung its child: its kind, the run's seed, its number in the run and
     * its own seed (what {@link GgufMutator#mutate} and {@link ImageMutator#mutate} take).
     */
    public record Finding(String kind, long runSeed, long index, long seed, String what, String description, Path file,
                          String log) {
        /** The command line that runs this case alone. */
        public String reproduce() {
            return "mvn -q -pl src/testkit -am test-compile exec:java@fuzz -Dexec.args=\"--seed " + runSeed + " --case "
                    + kind + ":" + index + "\"";
        }
    }

    /** Counts per kind: ok, refused, unexpected (a Java exception other than a LlamaException), crash, hang. */
    public record Report(long seed, Map<String, Map<String, Integer>> counts, List<Finding> findings,
                         List<String> unexpected, double seconds) {
        public int total(String outcome) {
            return counts.values().stream().mapToInt(m -> m.getOrDefault(outcome, 0)).sum();
        }

        public String summary() {
            StringBuilder sb = new StringBuilder("seed ").append(seed).append('\n');
            sb.append(String.format("%-13s %7s %7s %8s %10s %6s %5s%n", "kind", "cases", "ok", "refused", "unexpected",
                    "crash", "hang"));
            counts.forEach((kind, m) -> sb.append(String.format("%-13s %7d %7d %8d %10d %6d %5d%n", kind,
                    m.values().stream().mapToInt(Integer::intValue).sum(), m.getOrDefault("ok", 0),
                    m.getOrDefault("refused", 0), m.getOrDefault("unexpected", 0), m.getOrDefault("crash", 0),
                    m.getOrDefault("hang", 0))));
            sb.append(String.format("%.0f s%n", seconds));
            for (Finding f : findings) {
                sb.append(f.what).append(": ").append(f.kind).append(" case ").append(f.index).append(" of seed ")
                        .append(f.runSeed).append(" (case seed ").append(f.seed).append("; ").append(f.description)
                        .append(") file ").append(f.file).append("\n  reproduce: ").append(f.reproduce()).append('\n')
                        .append(f.log).append('\n');
            }
            for (String u : unexpected) {
                sb.append("unexpected: ").append(u).append('\n');
            }
            return sb.toString();
        }
    }

    private final Options options;
    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private final List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private int childNumber;
    private int done;
    private final long startNanos = System.nanoTime();
    private static final int PROGRESS_EVERY = 500;

    private Fuzzer(Options options) {
        this.options = options;
    }

    public static Report run(Options o) throws IOException, InterruptedException {
        return new Fuzzer(o).run();
    }

    private Report run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Files.createDirectories(options.out.resolve("crashes"));
        List<String> all = new ArrayList<>();
        add(all, "model", options.models);
        add(all, "projector", options.projectors);
        add(all, "image", options.images);
        add(all, "server-image", options.serverImages);
        // shards: interleaved so each job gets every kind
        List<List<String>> shards = new ArrayList<>();
        for (int j = 0; j < options.jobs; j++) {
            shards.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            shards.get(i % options.jobs).add(all.get(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.jobs);
        List<Future<?>> futures = new ArrayList<>();
        for (List<String> shard : shards) {
            futures.add(pool.submit(() -> {
                shard(shard);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("a fuzz worker failed", e.getCause());
            }
        }
        pool.shutdown();
        return new Report(options.seed, counts, List.copyOf(findings), List.copyOf(unexpected),
                (System.nanoTime() - start) / 1e9);
    }

    private void add(List<String> cases, String kind, int n) {
        counts.put(kind, new LinkedHashMap<>());
        if (options.only != null) { // kind:index, one case alone
            String[] k = options.only.split(":");
            if (k[0].equals(kind)) {
                cases.add(kind + " " + caseSeed(options.seed, Long.parseLong(k[1])));
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            cases.add(kind + " " + caseSeed(options.seed, i));
        }
    }

    private synchronized void count(String kind, String outcome) {
        counts.get(kind).merge(outcome, 1, Integer::sum);
        if (++done % PROGRESS_EVERY == 0) { // a long run that is stopped still says how far it got
            System.out.printf("progress: seed %d, %d cases in %.0f s: %s%n", options.seed, done,
                    (System.nanoTime() - startNanos) / 1e9, counts);
        }
    }

    private synchronized int nextChild() {
        return ++childNumber;
    }

    /** Runs cases in children, batch by batch, replacing a child that dies. */
    private void shard(List<String> cases) throws IOException, InterruptedException {
        int next = 0;
        while (next < cases.size()) {
            int end = Math.min(cases.size(), next + options.batch);
            next = child(cases.subList(next, end), next);
        }
    }

    /** Runs cases[from..] in one child; returns the index of the first case not done. */
    private int child(List<String> cases, int base) throws IOException, InterruptedException {
        int n = nextChild();
        Path log = options.out.resolve("child-" + n + ".log");
        Path dir = options.out.resolve("cases-" + n);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPath()));
        for (String p : List.of("llama.panama.cache", "llama.panama.testdata", "llama.panama.natives")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add(FuzzChild.class.getName());
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    if (l.startsWith("@@")) {
                        lines.add(l);
                    }
                }
            } catch (IOException ignored) {
                // the child died
            }
            lines.add("@@EOF");
        });
        Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        int done = 0;
        try {
            String ready = lines.poll(120, TimeUnit.SECONDS);
            if (ready == null || !ready.equals("@@READY")) {
                throw new IOException("the fuzz child did not start: see " + log + "\n" + tail(log));
            }
            String[] started = null;
            for (String c : cases) {
                w.write(c + "\n");
                w.flush();
                String kind = c.substring(0, c.indexOf(' '));
                while (true) {
                    String l = lines.poll(options.caseTimeoutSeconds, TimeUnit.SECONDS);
                    if (l == null) { // hang
                        p.destroyForcibly().waitFor();
                        record("hang", kind, started, c, log);
                        return base + done + 1;
                    }
                    if (l.startsWith("@@START ")) {
                        started = l.substring(8).split(" ", 4);
                    } else if (l.startsWith("@@DONE ")) {
                        String[] d = l.substring(7).split(" ", 4);
                        String outcome = d[2];
                        count(kind, outcome);
                        if (outcome.equals("unexpected")) {
                            long seed = Long.parseLong(c.substring(c.indexOf(' ') + 1));
                            unexpected.add(kind + " case " + (seed - caseSeed(options.seed, 0)) + " of seed " + options.seed
                                    + " (" + c + "): " + (d.length > 3 ? d[3] : "") + " [" + (started != null && started.length > 3
                                    ? started[3] : "") + "]");
                        }
                        started = null;
                        done++;
                        break;
                    } else if (l.equals("@@EOF")) { // crash
                        p.waitFor(10, TimeUnit.SECONDS);
                        record("crash", kind, started, c, log);
                        return base + done + 1;
                    }
                }
            }
            w.write("quit\n");
            w.flush();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            if (!p.isAlive()) { // died before reading the next case
                return base + done;
            }
            throw e;
        } finally {
            p.destroyForcibly();
            reader.join(10_000);
        }
        deleteTree(dir);
        Files.deleteIfExists(log);
        return base + cases.size();
    }

    /** The test classpath, also under exec:java, where java.class.path is Maven's own. */
    public static String classPath() {
        List<String> entries = new ArrayList<>();
        for (ClassLoader l = Fuzzer.class.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof java.net.URLClassLoader u) {
                for (java.net.URL url : u.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()).toString());
                    } catch (java.net.URISyntaxException | IllegalArgumentException ignored) {
                        // not a file
                    }
                }
            }
        }
        String own = System.getProperty("java.class.path");
        return entries.isEmpty() ? own : String.join(java.io.File.pathSeparator, entries);
    }

    private void record(String what, String kind, String[] started, String c, Path log) throws IOException {
        count(kind, what);
        Path file = null;
        if (started != null && started.length > 2) {
            Path f = Path.of(started[2]);
            if (Files.exists(f)) {
                file = options.out.resolve("crashes").resolve(f.getFileName());
                Files.copy(f, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        long seed = Long.parseLong(c.substring(c.indexOf(' ') + 1));
        long index = seed - caseSeed(options.seed, 0);
        Finding f = new Finding(kind, options.seed, index, seed, what, started != null && started.length > 3 ? started[3] : "",
                file, tail(log));
        findings.add(f);
        // at once, so a run that is stopped early still says what to rerun
        System.out.println(what + ": " + kind + " case " + index + " of seed " + options.seed + " (case seed " + seed
                + "): " + f.description() + "\n  reproduce: " + f.reproduce());
    }

    private static String tail(Path log) {
        try {
            List<String> l = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", l.subList(Math.max(0, l.size() - 8), l.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A new seed for a run that should explore: positive, below 2^40, printed with its result. */
    public static long freshSeed() {
        return new java.security.SecureRandom().nextLong(2, 1L << 40);
    }

    public static void main(String[] args) throws Exception {
        Options d = Options.ci(Path.of("target", "fuzz"));
        int models = d.models(), projectors = d.projectors(), images = d.images(), server = d.serverImages();
        long seed = d.seed();
        int jobs = d.jobs(), batch = d.batch();
        Path out = d.out();
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> models = Integer.parseInt(args[++i]);
                case "--projector" -> projectors = Integer.parseInt(args[++i]);
                case "--image" -> images = Integer.parseInt(args[++i]);
                case "--server-image" -> server = Integer.parseInt(args[++i]);
                case "--seed" -> seed = args[++i].equals("random") ? freshSeed() : Long.parseLong(args[i]);
                case "--case" -> only = args[++i];
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--model N --projector N --image N --server-image N --seed S|random --case KIND:N --jobs J"
                        + " --batch B --out DIR)");
            }
        }
        if (only != null && !only.matches("(model|projector|image|server-image):\\d+")) {
            throw new IllegalArgumentException("--case takes KIND:N, e.g. model:17, not " + only);
        }
        System.out.println("fuzz seed " + seed + (only != null ? ", case " + only : ""));
        Report r = run(new Options(models, projectors, images, server, seed, jobs, batch, d.caseTimeoutSeconds(), out,
                only));
        System.out.print(r.summary());
        System.exit(r.total("crash") + r.total("hang") == 0 ? 0 : 1);
    }
}
