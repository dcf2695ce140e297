package dev.loomcookbook.streams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The line-based chat room of every asyncio tutorial: each line a member sends goes to every other
 * member, prefixed with the sender's name ({@code "user-3: hello"}). A member's thread writes to
 * the others itself, one after another, as the Python version awaits each {@code drain()} in turn:
 * a member who stops reading slows the ones who talk to it, and nothing piles up in memory.
 */
public final class ChatRoom implements ConnectionHandler {

    private final Map<String, StreamWriter> members = new ConcurrentHashMap<>();
    private final AtomicLong joined = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();

    // @start region="chat"
    @Override
    public void handle(StreamConnection connection) throws IOException {
        String name = "user-" + joined.incrementAndGet();
        members.put(name, connection.writer());
        try {
            connection.writer().write(Lines.utf8Line("welcome " + name));
            StreamReader reader = connection.reader();
            for (byte[] line = reader.readline(); line.length > 0; line = reader.readline()) {
                Lines.requireComplete(line);
                String text = new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
                broadcast(name, Lines.utf8Line(name + ": " + text));
            }
        } finally {
            members.remove(name);
        }
    }

    private void broadcast(String sender, byte[] message) {
        for (Map.Entry<String, StreamWriter> member : members.entrySet()) {
            if (member.getKey().equals(sender)) {
                continue;
            }
            try {
                member.getValue().write(message); // blocks while that member reads slowly
                delivered.incrementAndGet();
            } catch (IOException gone) {
                // That member is leaving: its own thread sees the error and removes it.
            }
        }
    }

    // @end

    /** Members in the room now. */
    public int members() {
        return members.size();
    }

    /** Lines delivered to members so far (one line sent to a room of n counts n - 1). */
    public long delivered() {
        return delivered.get();
    }
}
