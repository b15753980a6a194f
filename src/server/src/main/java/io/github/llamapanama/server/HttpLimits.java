package io.github.llamapanama.server;

import java.lang.management.ManagementFactory;
import java.util.logging.Logger;

/**
 * The limits of the JDK's HTTP server that it reads from system properties once per process,
 * when its first server starts: the idle keep-alive timeout (which also closes new connections
 * that send nothing) and the cap on open connections. The first {@link LlamaServer} of a process
 * sets them from its config, unless the application set the properties itself; a later one with
 * other values gets a warning.
 */
final class HttpLimits {
    private static final Logger LOG = Logger.getLogger(HttpLimits.class.getName());
    static final String IDLE = "sun.net.httpserver.idleInterval";
    static final String CLOCK_TICK = "sun.net.httpserver.clockTick";
    static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
    private static String applied; // what the first server set, or null

    private HttpLimits() {
    }

    /** The connection cap: the configured one, else three quarters of the descriptor limit (at least 16). */
    static int maxConnections(ServerConfig config) {
        if (config.maxConnections() > 0) {
            return config.maxConnections();
        }
        long fds = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            fds = unix.getMaxFileDescriptorCount();
        }
        if (fds <= 0) {
            return 10_000;
        }
        return (int) Math.max(16, Math.min(Integer.MAX_VALUE, fds * 3 / 4));
    }

    static synchronized void apply(ServerConfig config) {
        long idle = Math.max(1, config.idleTimeout().toSeconds());
        int cap = maxConnections(config);
        String wanted = idle + "/" + cap;
        if (applied != null) {
            if (!applied.equals(wanted)) {
                LOG.warning("the idle timeout and connection cap are process-wide: this server keeps the first one's ("
                        + applied + "), not " + wanted);
            }
            return;
        }
        applied = wanted;
        setUnlessSet(IDLE, Long.toString(idle));
        setUnlessSet(MAX_CONNECTIONS, Integer.toString(cap));
        // the idle check runs every clock tick (10 s by default): every second, idle times are kept to within 1 s
        setUnlessSet(CLOCK_TICK, Long.toString(Math.min(1000, idle * 1000)));
    }

    private static void setUnlessSet(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
