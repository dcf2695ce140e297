package dev.loomcookbook.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place that configures a Hazelcast member, for the demo, the tests and the benchmarks.
 *
 * <p>What it guarantees: a member joins only through TCP-IP, with every member address listed one
 * by one (by default all on 127.0.0.1); multicast, auto-detection and every cloud discovery are
 * off, so no other address is ever contacted; the member binds to its own address only, not to
 * every interface; phone-home (Hazelcast's usage report to its vendor) is off; metrics, JMX, the
 * health monitor and Jet are off. A cluster name unique to each run ({@link #newClusterName()})
 * keeps two runs on one machine from ever merging: a member refuses a join from another name.
 *
 * <p>Hazelcast has no authentication in its open-source edition: any process that can reach a
 * member's port and knows the cluster name can join and run code there. Keep members on a network
 * you trust (the loopback default, or a private network between your own machines).
 */
public final class ClusterConfig {

    /** The name of the distributed executor on every member. */
    public static final String EXECUTOR = "loomcookbook";

    /**
     * JVM options for a member JVM: the access Hazelcast asks for on JDK 9+ (without them it
     * warns and falls back to slower paths), a modest heap and a quick-starting GC.
     */
    public static final List<String> MEMBER_JVM_OPTIONS = List.of(
            "--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Xmx256m", "-XX:+UseSerialGC", "-Xshare:auto");

    private ClusterConfig() {}

    /** A cluster name that no other run uses: this process's id and 64 random bits. */
    public static String newClusterName() {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        return "loomcookbook-" + ProcessHandle.current().pid() + "-"
                + HexFormat.of().formatHex(random);
    }

    /**
     * A member that runs tasks: it listens on {@code self} only and joins {@code members} (the
     * cluster's member addresses; {@code self} may be among them), with {@code threads} threads
     * for the executor's tasks.
     */
    public static Config member(String clusterName, MemberAddress self, List<MemberAddress> members,
            int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, but was " + threads);
        }
        Config config = base(clusterName, self, members);
        config.addExecutorConfig(
                new ExecutorConfig(EXECUTOR).setPoolSize(threads).setStatisticsEnabled(false));
        return config;
    }

    /**
     * A lite member: a full cluster member that holds no data and is sent no tasks by this
     * project; the demo joins the cluster this way to submit tasks and to hear at once when a
     * member leaves.
     */
    public static Config liteMember(
            String clusterName, MemberAddress self, List<MemberAddress> members) {
        return base(clusterName, self, members).setLiteMember(true);
    }

    private static Config base(
            String clusterName, MemberAddress self, List<MemberAddress> members) {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(self, "self");
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("the cluster name must not be blank");
        }
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.discovery.enabled", "false");
        // Bind the member's socket to its own address, not to every interface of the machine.
        config.setProperty("hazelcast.socket.bind.any", "false");
        // Join at once: the member list is explicit, there is nothing to wait for.
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.setProperty("hazelcast.jmx", "false");
        config.getMetricsConfig().setEnabled(false);
        config.getJetConfig().setEnabled(false);

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(self.port()).setPortAutoIncrement(false).setPortCount(1);
        network.getInterfaces().setEnabled(true).setInterfaces(List.of(self.host()));
        network.getMemcacheProtocolConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getAwsConfig().setEnabled(false);
        join.getGcpConfig().setEnabled(false);
        join.getAzureConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(false);
        join.getEurekaConfig().setEnabled(false);
        TcpIpConfig tcpIp = join.getTcpIpConfig().setEnabled(true);
        for (MemberAddress member : MemberAddress.distinct(members)) {
            tcpIp.addMember(member.toString());
        }
        return config;
    }

    /**
     * {@code count} distinct ports that were free on 127.0.0.1 a moment ago. Another process may
     * still take one before a member binds it: a member that cannot bind fails to start, and
     * the caller starts it again on new ports.
     */
    public static List<Integer> freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            InetAddress loopback = InetAddress.ofLiteral(MemberAddress.LOOPBACK);
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, loopback));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + MemberAddress.LOOPBACK, e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // The port is still ours to report; a close failure changes nothing.
                }
            }
        }
    }
}
