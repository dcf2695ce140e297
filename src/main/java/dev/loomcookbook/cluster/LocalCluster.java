package dev.loomcookbook.cluster;

import dev.loomcookbook.common.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * A cluster of member JVMs on this machine, Dask's {@code LocalCluster}: each member is a child
 * JVM running {@link ClusterMember} on 127.0.0.1, on a port found free at start, in a cluster
 * whose name is new to this run. The members end with this JVM, even after {@code kill -9} of
 * it; {@link #close()} ends them at once.
 *
 * <p>{@link #start} returns once every member is in the cluster with all the others. A member
 * whose port another process took in the meantime fails to start; the whole cluster is then
 * started again on new ports (at most {@value #ATTEMPTS} times).
 */
public final class LocalCluster implements AutoCloseable {

    /** How long the members may take to start and find each other. */
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final int ATTEMPTS = 3;
    private static final int KEPT_LINES = 20;

    /**
     * One member JVM.
     *
     * @param number  1, 2, ... in start order
     * @param address where it listens
     * @param pid     its process id
     * @param uuid    its Hazelcast member UUID
     */
    public record MemberJvm(int number, MemberAddress address, long pid, UUID uuid) {}

    private final String clusterName;
    private final List<Child> children;
    private final List<MemberJvm> members;
    private volatile BiConsumer<MemberJvm, Integer> onTaskStart = (member, item) -> {};

    private LocalCluster(String clusterName, List<Child> children) {
        this.clusterName = clusterName;
        this.children = children;
        this.members = children.stream().map(c -> c.member).toList();
        children.forEach(c -> c.cluster = this);
    }

    /**
     * Starts {@code count} member JVMs with {@code threads} task threads each and waits until
     * they form one cluster.
     *
     * @throws IOException a member could not be started (the message has its last output lines)
     */
    public static LocalCluster start(int count, int threads)
            throws IOException, InterruptedException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, but was " + count);
        }
        HazelcastLogging.install();
        for (int attempt = 1;; attempt++) {
            String name = ClusterConfig.newClusterName();
            List<MemberAddress> addresses = ClusterConfig.freeLoopbackPorts(count).stream()
                    .map(MemberAddress::loopback).toList();
            List<Child> children = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    children.add(Child.start(i + 1, name, addresses, threads));
                }
                long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
                for (Child c : children) {
                    c.awaitReady(deadline);
                }
                return new LocalCluster(name, children);
            } catch (PortTakenException e) {
                closeAll(children);
                if (attempt == ATTEMPTS) {
                    throw new IOException("no free ports for the members after " + ATTEMPTS
                            + " attempts: " + e.getMessage());
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                closeAll(children);
                throw e;
            }
        }
    }

    /** The cluster's name, new to this run. */
    public String clusterName() {
        return clusterName;
    }

    /** The members, in start order. */
    public List<MemberJvm> members() {
        return members;
    }

    /** The members' addresses, in start order: what a lite member or client joins. */
    public List<MemberAddress> addresses() {
        return members.stream().map(MemberJvm::address).toList();
    }

    /** The member with this UUID, if it is one of these JVMs. */
    public java.util.Optional<MemberJvm> member(UUID uuid) {
        return members.stream().filter(m -> m.uuid().equals(uuid)).findFirst();
    }

    /** Called (on a reader thread) each time a member reports that one of its tasks started. */
    public void onTaskStart(BiConsumer<MemberJvm, Integer> listener) {
        this.onTaskStart = Objects.requireNonNull(listener);
    }

    /** Kills the member with SIGKILL, as a crash or a pulled plug would: it cannot say goodbye. */
    public void kill(MemberJvm member) throws InterruptedException {
        Process p = children.get(member.number() - 1).running.process();
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** Whether the member's process is still running. */
    public boolean isAlive(MemberJvm member) {
        return children.get(member.number() - 1).running.process().isAlive();
    }

    /** The resident memory (VmRSS) of the live members together, in KiB; -1 where unknown. */
    public long residentKb() {
        long total = 0;
        for (MemberJvm m : members) {
            Path status = Path.of("/proc", String.valueOf(m.pid()), "status");
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        total += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                if (isAlive(m)) {
                    return -1; // not Linux, or no access
                }
            }
        }
        return total;
    }

    /**
     * Ends every member JVM (SIGKILL: a member holds nothing worth a graceful goodbye here). An
     * interrupt stops the wait for their output readers and stays set.
     */
    @Override
    public void close() {
        try {
            closeAll(children);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeAll(List<Child> children) throws InterruptedException {
        for (Child c : children) {
            c.running.process().destroyForcibly();
        }
        for (Child c : children) {
            c.close();
        }
    }

    /** A member failed to start because its port was taken. */
    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }

    /** One member JVM and the thread that reads its output. */
    private static final class Child {
        final int number;
        final MemberAddress address;
        final ChildJvm.Running running;
        final Thread reader;
        final CompletableFuture<MemberJvm> ready = new CompletableFuture<>();
        final Deque<String> lastLines = new ArrayDeque<>();
        MemberJvm member;
        volatile LocalCluster cluster;

        private Child(int number, MemberAddress address, ChildJvm.Running running) {
            this.number = number;
            this.address = address;
            this.running = running;
            this.reader = Thread.ofPlatform().daemon().name("cluster-member-" + number + "-output")
                    .unstarted(this::read);
        }

        static Child start(int number, String clusterName, List<MemberAddress> addresses,
                int threads) throws IOException {
            MemberAddress self = addresses.get(number - 1);
            List<String> options = new ArrayList<>(ClusterConfig.MEMBER_JVM_OPTIONS);
            options.add(HazelcastLogging.jvmOption());
            List<String> args = List.of("--child", "--cluster-name", clusterName,
                    "--address", self.toString(), "--members", MemberAddress.join(addresses),
                    "--threads", String.valueOf(threads),
                    "--expect", String.valueOf(addresses.size()));
            ProcessBuilder builder =
                    new ProcessBuilder(ChildJvm.command(options, ClusterMember.class, args))
                            .redirectErrorStream(true);
            // stdin stays a pipe nobody writes to: its EOF tells the member that this JVM is gone.
            Child child =
                    new Child(number, self, ChildJvm.start(builder, "cluster-member-" + number));
            child.reader.start();
            return child;
        }

        /** Reads the member's output to its end: the ready line, task starts, other lines kept. */
        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    running.process().getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    String[] words = line.split(" ", -1);
                    if (words.length == 3 && words[0].equals(ClusterMember.READY)
                            && !ready.isDone()) {
                        long pid = Long.parseLong(words[2]);
                        member = new MemberJvm(number, address, pid, UUID.fromString(words[1]));
                        ready.complete(member);
                    } else if (words.length == 2 && words[0].equals(ClusterMember.STARTED)
                            && cluster != null) {
                        cluster.onTaskStart.accept(member, Integer.parseInt(words[1]));
                    } else {
                        synchronized (lastLines) {
                            lastLines.addLast(line);
                            if (lastLines.size() > KEPT_LINES) {
                                lastLines.removeFirst();
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // The member is gone (or printed something unreadable): the exit is what matters.
            }
            ready.completeExceptionally(new IllegalStateException("ended before it was ready"));
        }

        void awaitReady(long deadlineNanos) throws IOException, InterruptedException {
            try {
                ready.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IOException("member " + number + " (" + address
                        + ") was not in the cluster within " + START_TIMEOUT.toSeconds() + " s"
                        + lastOutput());
            } catch (ExecutionException e) {
                Process p = running.process();
                p.waitFor(10, TimeUnit.SECONDS);
                int code = p.isAlive() ? -1 : p.exitValue();
                if (code == ClusterMember.PORT_TAKEN) {
                    throw new PortTakenException(address + " was taken");
                }
                throw new IOException("member " + number + " (" + address + ") exited with code "
                        + code + " before joining" + lastOutput());
            }
        }

        private String lastOutput() {
            synchronized (lastLines) {
                return lastLines.isEmpty() ? ""
                        : "; its last output: " + String.join(" | ", lastLines);
            }
        }

        void close() throws InterruptedException {
            try {
                running.close();
            } catch (IOException e) {
                // Closing the member's stdin failed: it is being destroyed anyway.
            }
            reader.join(Duration.ofSeconds(30));
        }
    }
}
