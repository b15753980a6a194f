package io.github.llamapanama.provider;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which addresses a remote media fetch ({@link RemoteFetch}) may connect to, in the server and the
 * library alike. Loopback, private (RFC 1918, carrier-grade
 * NAT, IPv6 unique local), link-local (cloud metadata at 169.254.169.254), multicast, broadcast,
 * reserved and unspecified addresses are refused, also when an IPv6 address embeds one of them
 * (IPv4-mapped and -compatible, NAT64, 6to4), unless the operator allowed the host name or a
 * network that holds the address.
 */
public final class AddressPolicy {
    private final List<String> hosts = new ArrayList<>();
    private final List<Network> networks = new ArrayList<>();

    private record Network(byte[] prefix, int bits) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i & 7);
                if ((b[i >> 3] & mask) != (prefix[i >> 3] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * @param allowed host names (exact, case-insensitive), addresses or networks in CIDR form
     *                ({@code 10.1.0.0/16}, {@code fd00::/8}) that are fetched even if private
     */
    public AddressPolicy(List<String> allowed) {
        for (String entry : allowed) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            String addr = slash < 0 ? e : e.substring(0, slash);
            if (isLiteral(addr)) {
                InetAddress a = literal(addr);
                int max = a.getAddress().length * 8;
                int bits;
                try {
                    bits = slash < 0 ? max : Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("bad network '" + entry + "': the prefix length is not a number");
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException("bad network '" + entry + "': prefix length must be 0 to " + max);
                }
                networks.add(new Network(a.getAddress(), bits));
            } else if (slash >= 0) {
                throw new IllegalArgumentException("bad network '" + entry + "': not an IP address before the '/'");
            } else {
                hosts.add(e.toLowerCase(Locale.ROOT));
            }
        }
    }

    public boolean allowsHost(String host) {
        return hosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /** Why the address may not be fetched, or empty when it may. */
    public Optional<String> refusal(InetAddress a) {
        for (Network n : networks) {
            if (n.contains(a)) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(blockedKind(a)).map(k -> "its address is " + k);
    }

    /** The kind of a non-public address ("a loopback address", ...), or null for a public one. */
    public static String blockedKind(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            Inet4Address embedded = embeddedV4(v6.getAddress());
            if (embedded != null) {
                String k = blockedKind(embedded);
                return k == null ? null : k + " inside an IPv6 address";
            }
        }
        if (a.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (a.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (a.isMulticastAddress()) {
            return "a multicast address";
        }
        if (a.isSiteLocalAddress()) {
            return "a private address";
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int o0 = b[0] & 0xFF;
            int o1 = b[1] & 0xFF;
            if (o0 == 0) {
                return "the unspecified address";
            }
            if (o0 == 100 && (o1 & 0xC0) == 64) {
                return "a private address"; // 100.64.0.0/10 carrier-grade NAT
            }
            if (o0 == 192 && o1 == 0 && (b[2] & 0xFF) == 0) {
                return "a reserved address"; // 192.0.0.0/24 protocol assignments
            }
            if (o0 == 198 && (o1 & 0xFE) == 18) {
                return "a reserved address"; // 198.18.0.0/15 benchmarking
            }
            if (o0 >= 240) {
                return "a reserved address"; // 240.0.0.0/4 and the broadcast address
            }
            return null;
        }
        int w0 = (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
        if ((w0 & 0xFE00) == 0xFC00) {
            return "a private address"; // fc00::/7 unique local
        }
        if ((w0 & 0xFFC0) == 0xFEC0) {
            return "a private address"; // fec0::/10 site-local (deprecated)
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 15; i++) {
            zeroPrefix &= b[i] == 0;
        }
        if (zeroPrefix) {
            return "a reserved address"; // ::/128 and ::1 are caught above; ::x
        }
        return null;
    }

    /**
     * The IPv4 address inside IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d),
     * NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::) addresses, or null.
     */
    public static Inet4Address embeddedV4(byte[] b) {
        boolean first10Zero = true;
        for (int i = 0; i < 10; i++) {
            first10Zero &= b[i] == 0;
        }
        boolean mapped = first10Zero && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean compatible = first10Zero && b[10] == 0 && b[11] == 0
                && ((b[12] | b[13] | b[14]) != 0 || (b[15] & 0xFF) > 1);
        boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        byte[] v4;
        if (mapped || compatible || nat64) {
            v4 = new byte[] {b[12], b[13], b[14], b[15]};
        } else if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
            v4 = new byte[] {b[2], b[3], b[4], b[5]};
        } else {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** An IPv4 dotted quad or an IPv6 literal (with or without brackets): no DNS lookup. */
    public static boolean isLiteral(String host) {
        String h = unbracket(host);
        if (h.indexOf(':') >= 0) {
            return true;
        }
        return h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    /** Parses a literal without DNS (InetAddress.getByName does none for literals). */
    public static InetAddress literal(String host) {
        String h = unbracket(host);
        try {
            if (h.indexOf(':') < 0) {
                String[] parts = h.split("\\.");
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(parts[i]);
                    if (v > 255) {
                        throw new IllegalArgumentException("not an IPv4 address: " + host);
                    }
                    b[i] = (byte) v;
                }
                return InetAddress.getByAddress(b);
            }
            return InetAddress.getByName(h);
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("not an IP address: " + host, e);
        }
    }

    private static String unbracket(String h) {
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }
}
