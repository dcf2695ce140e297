package dev.loomcookbook.cluster;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A cluster member's address, {@code HOST:PORT}, where HOST is an IPv4 address: a literal, so
 * that nothing is looked up in DNS and the address a member binds to is exactly the one given.
 *
 * @param host an IPv4 address, for example {@code 127.0.0.1}
 * @param port 1 to 65535
 */
public record MemberAddress(String host, int port) {

    /** The address every member and the demo use unless told otherwise. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final Pattern FORM = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");

    /** Checks the parts; throws {@link IllegalArgumentException} with a one-line message. */
    public MemberAddress {
        if (host == null || !FORM.matcher(host + ":1").matches()) {
            throw notIpv4(host);
        }
        for (String part : host.split("\\.", -1)) {
            if (Integer.parseInt(part) > 255) {
                throw notIpv4(host);
            }
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, but was " + port);
        }
    }

    private static IllegalArgumentException notIpv4(String host) {
        return new IllegalArgumentException("'" + host + "' is not an IPv4 address like 127.0.0.1");
    }

    /** An address on 127.0.0.1. */
    public static MemberAddress loopback(int port) {
        return new MemberAddress(LOOPBACK, port);
    }

    /** Whether the host is in 127.0.0.0/8, this machine's loopback range. */
    public boolean isLoopback() {
        return host.startsWith("127.");
    }

    /**
     * Parses {@code HOST:PORT}.
     *
     * @throws IllegalArgumentException with a one-line message naming the value
     */
    public static MemberAddress parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text
                    + "' is not HOST:PORT with an IPv4 HOST (for example 127.0.0.1:5701)");
        }
        try {
            return new MemberAddress(m.group(1), Integer.parseInt(m.group(2)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
    }

    /**
     * Checks that {@code addresses} lists at least one address and none twice.
     *
     * @throws IllegalArgumentException with a one-line message naming the repeated address
     */
    public static List<MemberAddress> distinct(List<MemberAddress> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no member address: list HOST:PORT,HOST:PORT,...");
        }
        Set<MemberAddress> seen = new LinkedHashSet<>();
        for (MemberAddress a : addresses) {
            if (!seen.add(a)) {
                throw new IllegalArgumentException(a + " is listed twice");
            }
        }
        return List.copyOf(addresses);
    }

    /** {@code HOST:PORT,HOST:PORT,...}, the form {@code --members} takes. */
    public static String join(List<MemberAddress> addresses) {
        return String.join(",", addresses.stream().map(MemberAddress::toString).toList());
    }

    /** {@code HOST:PORT}, the form Hazelcast's member list takes. */
    @Override
    public String toString() {
        return host + ":" + port;
    }

    /** Converts {@code HOST:PORT}; a bad one is a usage error (exit 2). */
    public static final class Converter implements CommandLine.ITypeConverter<MemberAddress> {
        @Override
        public MemberAddress convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
