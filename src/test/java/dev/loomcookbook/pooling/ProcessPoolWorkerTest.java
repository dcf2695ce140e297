package dev.loomcookbook.pooling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.pooling.ProcessPoolProtocol.Failure;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Init;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Message;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Ready;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Run;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker JVM driven directly through its standard input, as a broken or forged parent would. */
class ProcessPoolWorkerTest {

    private static final int MAX = ProcessPool.DEFAULT_MAX_MESSAGE_BYTES;

    /** A task holding a URL, a class no pool task needs. */
    record FetchHost(URL url) implements Callable<String>, Serializable {
        @Override
        public String call() {
            return url.getHost();
        }
    }

    /** The worker reads tasks under the filter it started with, whatever filter a message names. */
    @Test
    void workerFilterIsFixedAtStart() throws Exception {
        try (Driven worker = Driven.start()) {
            byte[] task = ProcessPoolProtocol.serialize(new FetchHost(URI.create("http://example.com/").toURL()), MAX).bytes();
            Message reply = worker.send(new Run(task, "*;maxdepth=100"));
            assertThat(reply).isInstanceOf(Failure.class);
            assertThat(((Failure) reply).message()).contains("java.net.URL");
        }
    }

    /** A 200-byte task frame claiming nested arrays of 64 Mi elements is refused, and the worker lives on. */
    @Test
    void arrayBombInATaskIsRefused() throws Exception {
        try (Driven worker = Driven.start()) {
            byte[] bomb = Hostile.arrayBomb(20);
            assertThat(bomb.length).isLessThan(300);
            Message reply = worker.send(new Run(bomb, ProcessPoolProtocol.taskFilter(List.of(Object[].class), List.of(), MAX)));
            assertThat(reply).isInstanceOf(Failure.class);
            assertThat(((Failure) reply).message()).contains("array");
            assertThat(worker.process.isAlive()).isTrue();
        }
    }

    /** A worker process started as the pool starts one, with its channel in the test's hands. */
    private record Driven(Process process, DataOutputStream in, DataInputStream out) implements AutoCloseable {
        static Driven start() throws IOException {
            Process p = new ProcessBuilder(List.of(dev.loomcookbook.common.ChildJvm.javaLauncher(), "--enable-preview",
                    "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr",
                    "-cp", System.getProperty("java.class.path"), ProcessPoolWorker.class.getName(), Integer.toString(MAX)))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Driven d = new Driven(p, new DataOutputStream(p.getOutputStream()),
                    new DataInputStream(new BufferedInputStream(p.getInputStream())));
            assertThat(d.send(new Init(null, null))).isInstanceOf(Ready.class);
            return d;
        }

        Message send(Message m) throws IOException {
            ProcessPoolProtocol.write(in, m, MAX);
            return ProcessPoolProtocol.read(out, MAX);
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
