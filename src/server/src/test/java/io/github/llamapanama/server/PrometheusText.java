package io.github.llamapanama.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus' text exposition format 0.0.4, for tests: every line must be a
 * HELP, a TYPE or a sample of the family last typed; names, label syntax and escapes and values
 * are checked; a histogram's buckets must be cumulative, end at +Inf, and +Inf must equal _count.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+-?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"\\s*(,|$)");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
        /** The one sample named {@code name} whose labels include {@code labels}. */
        double value(String name, Map<String, String> labels) {
            Double found = null;
            for (Sample s : samples) {
                if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                    if (found != null) {
                        throw new AssertionError("more than one sample " + name + labels);
                    }
                    found = s.value();
                }
            }
            if (found == null) {
                throw new AssertionError("no sample " + name + labels + " in " + samples);
            }
            return found;
        }
    }

    final Map<String, Family> families = new LinkedHashMap<>();

    PrometheusText(String text) {
        Family current = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ", 2);
                check(NAME.matcher(p[0]).matches(), n, line);
                Family f = families.get(p[0]);
                if (f == null) {
                    f = new Family(p[0], line.startsWith("# TYPE ") ? p[1] : "untyped",
                            line.startsWith("# HELP ") && p.length > 1 ? p[1] : "", new ArrayList<>());
                    families.put(p[0], f);
                } else if (line.startsWith("# TYPE ")) {
                    check(f.samples().isEmpty(), n, "TYPE after samples: " + line);
                    f = new Family(f.name(), p[1], f.help(), f.samples());
                    families.put(p[0], f);
                }
                if (line.startsWith("# TYPE ")) {
                    check(List.of("counter", "gauge", "histogram", "summary", "untyped").contains(p[1]), n, line);
                }
                current = f;
                continue;
            }
            if (line.startsWith("#")) {
                continue; // a comment
            }
            Matcher m = SAMPLE.matcher(line);
            check(m.matches(), n, line);
            String name = m.group(1);
            check(current != null && belongs(name, current), n, "sample outside its family: " + line);
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (end < m.group(3).length()) {
                    check(l.find(end) && l.start() == end, n, "bad labels: " + line);
                    check(labels.put(l.group(1), unescape(l.group(2))) == null, n, "repeated label: " + line);
                    end = l.end();
                }
            }
            current.samples().add(new Sample(name, labels, value(m.group(4), n, line)));
        }
        for (Family f : families.values()) {
            if (f.type().equals("histogram")) {
                checkHistogram(f);
            }
        }
    }

    Family family(String name) {
        Family f = families.get(name);
        if (f == null) {
            throw new AssertionError("no family " + name + " in " + families.keySet());
        }
        return f;
    }

    /** A histogram's count (of the series with these labels). */
    double count(String family, Map<String, String> labels) {
        return family(family).value(family + "_count", labels);
    }

    double sum(String family, Map<String, String> labels) {
        return family(family).value(family + "_sum", labels);
    }

    private static boolean belongs(String sample, Family f) {
        if (sample.equals(f.name())) {
            return true;
        }
        return switch (f.type()) {
            case "histogram" -> List.of(f.name() + "_bucket", f.name() + "_count", f.name() + "_sum").contains(sample);
            case "summary" -> List.of(f.name() + "_count", f.name() + "_sum").contains(sample);
            default -> false;
        };
    }

    private static void checkHistogram(Family f) {
        Map<Map<String, String>, List<Sample>> series = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            if (s.name().endsWith("_bucket")) {
                Map<String, String> key = new TreeMap<>(s.labels());
                key.remove("le");
                series.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            }
        }
        if (series.isEmpty()) {
            throw new AssertionError(f.name() + ": a histogram without buckets");
        }
        for (var e : series.entrySet()) {
            double lastLe = Double.NEGATIVE_INFINITY;
            double lastCount = 0;
            for (Sample b : e.getValue()) {
                double le = value(b.labels().get("le"), 0, b.toString());
                if (!(le > lastLe) || b.value() < lastCount) {
                    throw new AssertionError(f.name() + ": buckets not ascending and cumulative: " + e.getValue());
                }
                lastLe = le;
                lastCount = b.value();
            }
            if (lastLe != Double.POSITIVE_INFINITY) {
                throw new AssertionError(f.name() + ": no +Inf bucket");
            }
            double count = f.value(f.name() + "_count", e.getKey());
            if (count != lastCount) {
                throw new AssertionError(f.name() + e.getKey() + ": _count " + count + " != +Inf bucket " + lastCount);
            }
        }
    }

    private static double value(String v, int n, String line) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new AssertionError("line " + n + ": bad value: " + line);
                }
            }
        };
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static void check(boolean ok, int line, String what) {
        if (!ok) {
            throw new AssertionError("line " + line + ": " + what);
        }
    }
}
