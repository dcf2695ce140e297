package dev.loomcookbook.pooling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.pooling.ProcessPoolProtocol.Failure;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Frame;
import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameReader;
import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameWriter;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker JVM driven directly through its channel, as a broken or forged parent would. */
class ProcessPoolWorkerTest {

    private static final int MAX = 1 << 20;

    /** A task holding a URL, a class no pool task needs. */
    record FetchHost(URL url) implements Callable<String>, Serializable {
        @Override
        public String call() {
            return url.getHost();
        }
    }

    /** The worker reads tasks under the policy it started with: a task the parent never checked is refused. */
    @Test
    void workerFilterIsFixedAtStart() throws Exception {
        try (Driven worker = Driven.start()) {
            byte[] task =
                    Hostile.serialize(new FetchHost(URI.create("http://example.com/").toURL()));
            Frame reply = worker.send(Kind.CALL, task);
            assertThat(reply.kind()).isEqualTo(Kind.FAILED);
            Failure f = Failure.readFrom(reply.body());
            assertThat(f.message()).contains("java.net.URL", "does not accept");
        }
    }

    /** A 200-byte task frame claiming nested arrays of 64 Mi elements is refused, and the worker lives on. */
    @Test
    void arrayBombInATaskIsRefused() throws Exception {
        try (Driven worker = Driven.start()) {
            byte[] bomb = Hostile.arrayBomb(20);
            assertThat(bomb.length).isLessThan(300);
            Frame reply = worker.send(Kind.CALL, bomb);
            assertThat(reply.kind()).isEqualTo(Kind.FAILED);
            assertThat(Failure.readFrom(reply.body()).message())
                    .contains("claims arrays of 67,108,864 elements");
            assertThat(worker.process.isAlive()).isTrue();
            Frame next = worker.send(Kind.CALL,
                    Hostile.serialize(new ProcessPoolTest.Greeting("again")));
            assertThat(next.kind()).isEqualTo(Kind.DONE);
        }
    }

    /** A worker whose channel from the parent ends exits with code 0 when idle. */
    @Test
    void workerExitsWhenItsChannelEnds() throws Exception {
        Driven worker = Driven.start();
        worker.close();
        assertThat(worker.process.exitValue()).isZero();
    }

    /** A worker process started as the pool starts one, with its channel in the test's hands. */
    private static final class Driven implements AutoCloseable {
        final Process process;
        final OutputStream in;
        final FrameReader out;
        private int tasks;

        private Driven(Process process, OutputStream in, FrameReader out) {
            this.process = process;
            this.in = in;
            this.out = out;
        }

        static Driven start() throws IOException {
            PoolOptions options = ProcessPoolTest.pool(1).maxMessageBytes(MAX).options();
            Process p = new ProcessBuilder(options.workerCommand())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Driven d = new Driven(p, p.getOutputStream(),
                    new FrameReader(p.getInputStream(), options.maxFrameBody()));
            byte[] init = Slot.initFrame(null, options.maxFrameBody());
            d.in.write(init);
            d.in.flush();
            assertThat(d.out.read().kind()).isEqualTo(Kind.READY);
            return d;
        }

        /** Sends a frame of {@code kind} with {@code body} and returns the answer (skipping BUSY). */
        Frame send(Kind kind, byte[] body) throws IOException {
            FrameWriter w = new FrameWriter(body.length + 16, Integer.MAX_VALUE);
            w.write(body, 0, body.length);
            in.write(w.toFrame(kind, ++tasks));
            in.flush();
            Frame f;
            do {
                f = out.read();
            } while (f.kind() == Kind.BUSY);
            assertThat(f.task()).as("the answer's task number").isEqualTo(tasks);
            return f;
        }

        @Override
        public void close() throws IOException {
            in.close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
