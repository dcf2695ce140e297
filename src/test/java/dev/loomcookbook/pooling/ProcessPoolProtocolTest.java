package dev.loomcookbook.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.pooling.ProcessPoolProtocol.Body;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Failure;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Frame;
import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameReader;
import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameWriter;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Kind;
import dev.loomcookbook.pooling.ProcessPoolProtocol.MessageTooLargeException;
import dev.loomcookbook.pooling.ProcessPoolProtocol.ProtocolException;
import dev.loomcookbook.pooling.ProcessPoolProtocol.RefusedException;
import dev.loomcookbook.pooling.ProcessPoolProtocol.TruncatedFrameException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The channel's frames, its values and the class policies, without worker processes. */
class ProcessPoolProtocolTest {

    private static final int MAX = 64 * 1024;
    private static final ClassLoader LOADER = ProcessPoolProtocolTest.class.getClassLoader();

    record Job(List<Integer> numbers) implements Serializable {}

    record Other(String text) implements Serializable {}

    record Link(Link next) implements Serializable {}

    /** A frame goes through a stream and back intact, and the bytes of the next one are kept for it. */
    @Test
    void framesRoundTripThroughAStream() throws IOException {
        byte[] first = frame(Kind.CALL, new byte[] {1, 2, 3});
        byte[] second = ProcessPoolProtocol.emptyFrame(Kind.BUSY, 7);
        FrameReader reader = reader(concat(first, second));
        Frame f = reader.read();
        assertThat(f.kind()).isEqualTo(Kind.CALL);
        assertThat(f.task()).isEqualTo(3);
        assertThat(f.body().rest()).containsExactly(1, 2, 3);
        assertThat(reader.read().task()).isEqualTo(7);
        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class);
    }

    /** A frame announcing more than the limit is refused before its body is read. */
    @Test
    void oversizedFrameIsRefusedUnread() {
        byte[] header = Arrays.copyOf(frame(Kind.DONE, new byte[0]),
                ProcessPoolProtocol.HEADER_BYTES + 100);
        ProcessPoolProtocol.putInt(header, 9, MAX + 1);
        ByteArrayInputStream in = new ByteArrayInputStream(header);
        assertThatThrownBy(() -> new FrameReader(in, MAX).read())
                .isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("limit of 65,536 bytes");
    }

    /** Bytes that are not a frame (say, someone printing into the channel) are a protocol error. */
    @Test
    void bytesThatAreNotAFrameAreDetected() {
        FrameReader reader =
                reader("[0.6s][info][jfr] Started recording\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(reader::read).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("expected a frame").hasMessageContaining("[0.6");
    }

    /** A stream that ends inside a frame says how much of it arrived. */
    @Test
    void truncatedFrameSaysHowMuchArrived() {
        FrameReader reader = reader(Hostile.truncatedFrame(1000, 100));
        assertThatThrownBy(reader::read).isInstanceOf(TruncatedFrameException.class)
                .hasMessageContaining("100 of 1,000 bytes");
    }

    /** A failure's type, message and stack survive the trip as plain fields. */
    @Test
    void failureRoundTrips() throws IOException {
        Throwable t = new IllegalStateException("bad state");
        Failure f = new Failure(t.getClass().getName(), t.getMessage(), t.getStackTrace(),
                new byte[] {9});
        FrameWriter w = new FrameWriter(64, MAX);
        f.writeTo(w);
        Frame read = reader(w.toFrame(Kind.FAILED, 1)).read();
        Failure back = Failure.readFrom(read.body());
        assertThat(back.type()).isEqualTo(IllegalStateException.class.getName());
        assertThat(back.message()).isEqualTo("bad state");
        assertThat(back.stack()).containsExactly(t.getStackTrace());
        assertThat(back.exception()).containsExactly(9);
    }

    /** Corrupted bodies fail only as protocol errors (or refused payloads), never with another exception. */
    @Test
    void corruptedBodiesFailOnlyAsProtocolErrors() throws IOException {
        Throwable t = new IllegalStateException("bad state");
        FrameWriter w = new FrameWriter(64, MAX);
        new Failure(t.getClass().getName(), t.getMessage(), t.getStackTrace(), Hostile.serialize(t))
                .writeTo(w);
        ProcessPoolProtocol.writeValues(w, new Object[] {1, 2, 3}, 3);
        ProcessPoolProtocol.writeValues(w, new Object[] {"a", List.of(1)}, 2);
        byte[] valid = Arrays.copyOfRange(w.bytes(), ProcessPoolProtocol.HEADER_BYTES, w.length());
        Random random = new Random(42);
        ClassPolicy.Reader policy = ClassPolicy.forResults(Set.of(), List.of()).reader(LOADER);
        for (int round = 0; round < 2000; round++) {
            byte[] body = valid.clone();
            for (int i = 0; i < 1 + random.nextInt(4); i++) {
                body[random.nextInt(body.length)] = (byte) random.nextInt(256);
            }
            Body b = new Body(body, 0, random.nextInt(body.length + 1));
            try {
                Failure.readFrom(b);
                ProcessPoolProtocol.readValues(b, policy);
                ProcessPoolProtocol.readValues(b, policy);
            } catch (IOException | ClassNotFoundException expected) {
                // a protocol error, or a payload refused or malformed
            }
        }
    }

    /** Values of one boxed type or strings travel compactly; anything else serialized; both come back equal. */
    @Test
    void valuesRoundTrip() throws Exception {
        List<Object[]> cases = List.of(new Object[] {1, 2, 3}, new Object[] {1L, -2L},
                new Object[] {0.5, Double.NaN},
                new Object[] {"a", "é"}, new Object[] {1, "mixed", null, List.of(2)},
                new Object[0]);
        ClassPolicy.Reader policy = ClassPolicy.forResults(Set.of(), List.of()).reader(LOADER);
        for (Object[] values : cases) {
            FrameWriter w = new FrameWriter(16, MAX);
            Set<Class<?>> classes = ProcessPoolProtocol.writeValues(w, values, values.length);
            assertThat(classes.isEmpty()).as(Arrays.toString(values))
                    .isEqualTo(!Arrays.asList(values).contains(null));
            Frame f = reader(w.toFrame(Kind.DONE, 1)).read();
            assertThat(ProcessPoolProtocol.readValues(f.body(), policy)).containsExactly(values);
        }
    }

    /** Workers accept application classes and java.base basics in tasks, and refuse other JDK classes. */
    @Test
    void taskPolicyAcceptsApplicationClassesOnly() throws Exception {
        ClassPolicy tasks = ClassPolicy.forTasks(List.of());
        assertThat(tasks.allows(Job.class)).isTrue();
        assertThat(tasks.allows(ArrayList.class)).isTrue();
        assertThat(tasks.allows(AtomicLong[].class)).isTrue();
        assertThat(tasks.allows(URL.class)).isFalse();
        assertThat(tasks.allows(javax.management.ObjectName.class)).isFalse();
        assertThat(ClassPolicy.forTasks(List.of("java.net.URL")).allows(URL.class)).isTrue();
        byte[] url = Hostile.serialize(URI.create("http://example.com/").toURL());
        assertThatThrownBy(() -> tasks.read(url, 0, url.length, LOADER, null))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining(
                        "it holds a java.net.URL, which the pool does not accept in a task");
    }

    /** The parent accepts in results java.base basics and the packages of the task's classes, and refuses others. */
    @Test
    void resultPolicyAcceptsBasicsAndTheTasksPackages() throws Exception {
        ClassPolicy results = ClassPolicy.forResults(Set.of(Job.class), List.of());
        for (Object fine : List.of(new Other("same package as the task"), List.of(1L, "two"))) {
            byte[] b = Hostile.serialize(fine);
            assertThat(results.read(b, 0, b.length, LOADER, null)).isEqualTo(fine);
        }
        byte[] refused = Hostile.serialize(new AtomicLong(1));
        assertThatThrownBy(() -> results.read(refused, 0, refused.length, LOADER, null))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("java.util.concurrent.atomic.AtomicLong");
        assertThat(ClassPolicy.forResults(Set.of(), List.of("java.util.concurrent.atomic.*"))
                .allows(AtomicLong.class))
                .isTrue();
    }

    /** Objects nested deeper than the limit are refused with a message about depth. */
    @Test
    void tooDeepAPayloadIsRefusedForItsDepth() {
        Link chain = null;
        for (int i = 0; i < ClassPolicy.MAX_DEPTH + 10; i++) {
            chain = new Link(chain);
        }
        byte[] b = Hostile.serialize(chain);
        ClassPolicy policy = ClassPolicy.forResults(Set.of(Link.class), List.of());
        assertThatThrownBy(() -> policy.read(b, 0, b.length, LOADER, null))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("nest more than 100 deep").hasMessageNotContaining("allow");
    }

    /** Array lengths claimed beyond what the payload's bytes could hold are refused before allocation. */
    @Test
    void arrayClaimsBeyondThePayloadAreRefused() {
        byte[] bomb = Hostile.arrayBomb(3);
        ClassPolicy policy = ClassPolicy.forResults(Set.of(), List.of());
        assertThatThrownBy(() -> policy.read(bomb, 0, bomb.length, LOADER, null))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("claims arrays of 67,108,864 elements");
    }

    /** Builder.allow takes class patterns only: no filter syntax, limits or several at once. */
    @Test
    void allowPatternsAreChecked() {
        assertThat(ClassPolicy.checkPattern(" com.example.Model ")).isEqualTo("com.example.Model");
        for (String p : List.of("com.example.*", "com.example.**", "com.ex*", "Outer$Inner")) {
            assertThat(ClassPolicy.checkPattern(p)).isEqualTo(p);
        }
        for (String bad : List.of("", "*", "!com.example.*", "maxdepth=5", "a;b",
                "java.base/java.lang.*", "a.*.b")) {
            assertThatThrownBy(() -> ClassPolicy.checkPattern(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a class pattern");
        }
    }

    private static byte[] frame(Kind kind, byte[] body) {
        try {
            FrameWriter w = new FrameWriter(16, MAX);
            w.write(body, 0, body.length);
            return w.toFrame(kind, 3);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static FrameReader reader(byte[] bytes) {
        return new FrameReader(new ByteArrayInputStream(bytes), MAX);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
