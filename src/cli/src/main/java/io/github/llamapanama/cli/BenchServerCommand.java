package io.github.llamapanama.cli;

import io.github.llamapanama.bench.FixtureModels;
import io.github.llamapanama.bench.NativeTools;
import io.github.llamapanama.bench.server.ServerBench;
import io.github.llamapanama.bench.server.ServerBenchReport;
import io.github.llamapanama.bench.server.ServerBenchSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bench server}: the server against llama-server from the same build. */
@Command(name = "server", description = {
        "Benchmark `serve` against llama.cpp's llama-server from the same build: both up on the same model,"
                + " projector, slots and threads, one client, alternating. Single-stream decode, an image chat's"
                + " second turn, a known image in a new conversation, 1/4/16 concurrent clients, and the longest"
                + " pause of a stream while a long prompt is admitted.",
        "Without --model it uses the InternVL3-1B-shaped Q8_0 fixture and its projector."})
final class BenchServerCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "FILE.gguf", description = "model (default: the Q8_0 fixture)")
    Path model;

    @Option(names = "--mmproj", paramLabel = "FILE.gguf",
            description = "projector (default without --model: the fixture's; with --model: no image tests)")
    Path mmproj;

    @Option(names = "--no-image", description = "skip the image tests")
    boolean noImage;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads of each server (default: processors)")
    Integer threads;

    @Option(names = {"-r", "--reps"}, paramLabel = "N", description = "repetitions of each figure (default: 3)")
    Integer reps;

    @Option(names = "--slots", paramLabel = "N", description = "parallel slots of each server (default: 4)")
    Integer slots;

    @Option(names = "--clients", split = ",", paramLabel = "N",
            description = "concurrent client counts (default: 1,4,16)")
    List<Integer> clients;

    @Option(names = "--tools", paramLabel = "DIR",
            description = "where llama-server is (default: <cache>/tools/<platform>, where build-native.sh puts it)")
    Path tools;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Override
    public Integer call() {
        Path file = model != null ? model : FixtureModels.require(List.of("Q8_0")).getFirst();
        Path projector = noImage ? null : mmproj != null ? mmproj : model == null ? FixtureModels.requireMmproj() : null;
        NativeTools t = tools != null ? new NativeTools(tools) : NativeTools.staged();
        Path llamaServer = t.find("llama-server").orElseThrow(() -> new IllegalStateException(
                "no llama-server in " + t.directory() + ": run ./build-native.sh (it builds llama-server with the tools)"));
        ServerBenchSettings s = ServerBenchSettings.defaults(file, projector,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), llamaServer);
        if (reps != null) {
            s = s.withReps(reps);
        }
        if (slots != null) {
            s = s.withSlots(slots);
        }
        if (clients != null && !clients.isEmpty()) {
            s = s.withClients(clients);
        }
        ServerBenchReport report = new ServerBench(s, Main.class.getName(), System.err::println).run();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(json ? report.json() + System.lineSeparator() : report.table());
        return 0;
    }
}
