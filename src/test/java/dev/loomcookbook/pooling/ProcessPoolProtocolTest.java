package dev.loomcookbook.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.pooling.ProcessPoolProtocol.MessageTooLargeException;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Run;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Serialized;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The channel's frames and deserialization filters, without worker processes. */
class ProcessPoolProtocolTest {

    private static final int MAX = 64 * 1024;

    record Job(List<Integer> numbers) implements Serializable {}

    record Other(String text) implements Serializable {}

    /** A frame that holds something other than a pool message is refused by the envelope filter. */
    @Test
    void envelopeFilterRefusesAForeignClass() throws IOException {
        HashMap<String, URI> hostile = new HashMap<>();
        hostile.put("x", URI.create("http://example.com"));
        DataInputStream in = frame(ProcessPoolProtocol.serialize(hostile, MAX).bytes());
        assertThatThrownBy(() -> ProcessPoolProtocol.read(in, MAX))
                .isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
    }

    /** A pool message goes through a frame and back intact. */
    @Test
    void messageRoundTripsThroughAFrame() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProcessPoolProtocol.write(new DataOutputStream(bytes), new Run(new byte[] {1, 2, 3}, "java.lang.*;!*"), MAX);
        Run back = (Run) ProcessPoolProtocol.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), MAX);
        assertThat(back.task()).containsExactly(1, 2, 3);
        assertThat(back.filter()).isEqualTo("java.lang.*;!*");
    }

    /** The task filter allows exactly the classes written for that task and refuses any other. */
    @Test
    void taskFilterAllowsOnlyTheTasksOwnClasses() throws Exception {
        Serialized job = ProcessPoolProtocol.serialize(new Job(new ArrayList<>(List.of(1, 2))), MAX);
        String filter = ProcessPoolProtocol.taskFilter(job.classes(), List.of(), MAX);
        assertThat(ProcessPoolProtocol.deserialize(job.bytes(), filter)).isEqualTo(new Job(List.of(1, 2)));

        byte[] other = ProcessPoolProtocol.serialize(new Other("not this task's"), MAX).bytes();
        assertThatThrownBy(() -> ProcessPoolProtocol.deserialize(other, filter))
                .isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
    }

    /** The result filter allows java.base basics and the task's packages, and refuses other classes. */
    @Test
    void resultFilterAllowsBasicsAndTheTasksPackages() throws Exception {
        Serialized job = ProcessPoolProtocol.serialize(new Job(List.of()), MAX);
        String filter = ProcessPoolProtocol.resultFilter(job.classes(), List.of(), MAX);
        Object fine = new Other("same package as the task");
        assertThat(ProcessPoolProtocol.deserialize(ProcessPoolProtocol.serialize(fine, MAX).bytes(), filter)).isEqualTo(fine);
        assertThat(ProcessPoolProtocol.deserialize(ProcessPoolProtocol.serialize(List.of(1L, "two"), MAX).bytes(), filter))
                .isEqualTo(List.of(1L, "two"));
        byte[] refused = ProcessPoolProtocol.serialize(new AtomicLong(1), MAX).bytes();
        assertThatThrownBy(() -> ProcessPoolProtocol.deserialize(refused, filter))
                .isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
    }

    /** A frame announcing more than the limit is refused before its body is read. */
    @Test
    void oversizedFrameIsRefusedUnread() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(ProcessPoolProtocol.MAGIC);
        out.writeInt(MAX * 4);
        out.write(new byte[100]);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertThatThrownBy(() -> ProcessPoolProtocol.read(in, MAX))
                .isInstanceOf(MessageTooLargeException.class).hasMessageContaining("refused");
        assertThat(in.available()).as("the body was not read").isEqualTo(100);
    }

    /** Serializing something above the limit fails instead of producing an oversized message. */
    @Test
    void oversizedObjectIsNotSerialized() {
        assertThatThrownBy(() -> ProcessPoolProtocol.serialize(new byte[MAX + 1], MAX))
                .isInstanceOf(MessageTooLargeException.class);
    }

    /** Bytes that are not a frame (say, a task printing to file descriptor 1) are detected. */
    @Test
    void corruptedChannelIsDetected() {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream("hello, world\n".getBytes()));
        assertThatThrownBy(() -> ProcessPoolProtocol.read(in, MAX)).isInstanceOf(StreamCorruptedException.class)
                .hasMessageContaining("channel corrupted");
    }

    private static DataInputStream frame(byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(ProcessPoolProtocol.MAGIC);
        out.writeInt(body.length);
        out.write(body);
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }
}
