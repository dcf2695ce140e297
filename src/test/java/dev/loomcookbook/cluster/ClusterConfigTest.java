package dev.loomcookbook.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one cluster configuration: what it joins, what it turns off, and the addresses it takes. */
class ClusterConfigTest {

    private static final List<MemberAddress> MEMBERS =
            List.of(MemberAddress.loopback(41001), MemberAddress.loopback(41002),
                    MemberAddress.loopback(41003));

    /** Members and lite members join only through TCP-IP, to 127.0.0.1 addresses one by one. */
    @Test
    void joinsOnlyTheListedLoopbackAddresses() {
        for (Config c : List.of(member(), lite())) {
            JoinConfig join = c.getNetworkConfig().getJoin();
            assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
            assertThat(join.getTcpIpConfig().getMembers())
                    .containsExactly("127.0.0.1:41001", "127.0.0.1:41002", "127.0.0.1:41003");
            assertThat(join.getTcpIpConfig().getMembers())
                    .allMatch(a -> a.startsWith("127.0.0.1:"));
            assertThat(c.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
            assertThat(c.getNetworkConfig().getInterfaces().getInterfaces())
                    .containsExactly("127.0.0.1");
            assertThat(c.getNetworkConfig().getPublicAddress()).isNull();
            assertThat(c.getNetworkConfig().isPortAutoIncrement()).isFalse();
        }
    }

    /** Multicast, auto-detection and cloud discovery are off; a member binds its own address. */
    @Test
    void multicastAutoDetectionAndDiscoveryAreOff() {
        Config c = member();
        JoinConfig join = c.getNetworkConfig().getJoin();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(join.getAwsConfig().isEnabled()).isFalse();
        assertThat(join.getGcpConfig().isEnabled()).isFalse();
        assertThat(join.getAzureConfig().isEnabled()).isFalse();
        assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
        assertThat(join.getEurekaConfig().isEnabled()).isFalse();
        assertThat(join.getDiscoveryConfig().getDiscoveryStrategyConfigs()).isEmpty();
        assertThat(join.isAutoDetectionEnabled()).isFalse();
        assertThat(c.getProperty("hazelcast.discovery.enabled")).isEqualTo("false");
        assertThat(c.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    }

    /** Phone-home (the usage report to Hazelcast's vendor) is off, and so are metrics and Jet. */
    @Test
    void phoneHomeIsOff() {
        Config c = member();
        assertThat(c.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
        assertThat(c.getMetricsConfig().isEnabled()).isFalse();
        assertThat(c.getJetConfig().isEnabled()).isFalse();
    }

    /** The executor the demo uses has the threads asked for; the lite member holds no data. */
    @Test
    void executorThreadsAndLiteMember() {
        assertThat(member().getExecutorConfig(ClusterConfig.EXECUTOR).getPoolSize()).isEqualTo(2);
        assertThat(lite().isLiteMember()).isTrue();
        assertThat(member().isLiteMember()).isFalse();
    }

    /** Every run gets a cluster name of its own, so two runs on one machine never merge. */
    @Test
    void clusterNamesAreUnique() {
        Set<String> names = new HashSet<>();
        IntStream.range(0, 1000).forEach(i -> names.add(ClusterConfig.newClusterName()));
        assertThat(names).hasSize(1000)
                .allMatch(n -> n.startsWith("loomcookbook-" + ProcessHandle.current().pid()));
        assertThat(member().getClusterName()).isEqualTo("c");
    }

    /** Free ports are distinct and were bindable on 127.0.0.1. */
    @Test
    void freePortsAreDistinct() {
        List<Integer> ports = ClusterConfig.freeLoopbackPorts(5);
        assertThat(new HashSet<>(ports)).hasSize(5).allMatch(p -> p > 0 && p < 65_536);
    }

    /** An address is an IPv4 literal and a port: anything else is an error naming the value. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost:5701", "127.0.0.1:0", "127.0.0.1:65536",
        "300.0.0.1:5701",
        "127.0.0.1:57a", ":5701", "example.com:5701"})
    void badAddressesAreRefused(String text) {
        assertThatThrownBy(() -> MemberAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.isEmpty() ? "" : text.split(":", -1)[0]);
    }

    /** A list may not name an address twice. */
    @Test
    void aRepeatedAddressIsRefused() {
        List<MemberAddress> twice = List.of(MemberAddress.loopback(1), MemberAddress.loopback(1));
        assertThatThrownBy(() -> MemberAddress.distinct(twice))
                .hasMessage("127.0.0.1:1 is listed twice");
        assertThat(MemberAddress.parse(" 192.0.2.10:5701 "))
                .isEqualTo(new MemberAddress("192.0.2.10", 5701));
    }

    private static Config lite() {
        return ClusterConfig.liteMember("c", MemberAddress.loopback(41009), MEMBERS);
    }

    private static Config member() {
        return ClusterConfig.member("c", MemberAddress.loopback(41001), MEMBERS, 2);
    }
}
