package dev.loomcookbook.benchmarks;

import dev.loomcookbook.common.ChildJvm;
import dev.loomcookbook.streams.EchoHandler;
import dev.loomcookbook.streams.StreamServer;

/**
 * The echo benchmark's Java server, in its own process: {@link StreamServer} with the demo's {@link
 * EchoHandler}, on virtual threads or, to show why they matter, one platform thread per connection.
 * Only the thread factory differs. Prints "port N", serves until its parent is gone.
 *
 * <p>usage: {@code EchoServerProcess virtual|platform}
 */
public final class EchoServerProcess {

    private EchoServerProcess() {}

    public static void main(String[] args) throws InterruptedException {
        ChildJvm.exitWithParent();
        boolean platform = args.length > 0 && args[0].equals("platform");
        StreamServer server =
                StreamServer.builder(new EchoHandler())
                        .threads(
                                platform
                                        ? Thread.ofPlatform().name("echo-", 1).factory()
                                        : Thread.ofVirtual().name("echo-", 1).factory())
                        .backlog(4096)
                        .onClose(closed -> {})
                        .start();
        System.out.println("port " + server.port());
        System.out.flush();
        server.serveForever();
    }
}
