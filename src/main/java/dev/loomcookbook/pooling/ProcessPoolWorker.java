package dev.loomcookbook.pooling;

import dev.loomcookbook.pooling.ProcessPoolProtocol.Done;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Failure;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Init;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Message;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Ready;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Run;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The main class of a {@link ProcessPool} worker JVM. Not for direct use.
 *
 * <p>Before any task code runs it takes the process's standard input and output for itself, as
 * the framed task channel, and points {@code System.out} and {@code System.err} at the standard
 * error stream (which the parent forwards, prefixed, to its own stderr) and {@code System.in} at
 * an empty stream: whatever a task prints cannot corrupt the channel.
 *
 * <p>It never outlives its parent: some thread reads the channel all the time, even while a
 * task runs, and the end of the stream (the parent closed the pool, or died and the kernel closed
 * the pipe) ends the worker; a watch on the parent process does the same as a second line of
 * defence. An {@link OutOfMemoryError} ends the JVM ({@code -XX:+ExitOnOutOfMemoryError}, set by
 * the pool), since the heap of a JVM that ran out of memory cannot be trusted.
 *
 * <p>Two threads take turns (leader and follower) rather than a reader handing each task to a
 * runner: the thread that read a task runs it itself, while the other one has taken over the
 * reading. So a task costs no hand-off between threads, and the channel is still watched while it
 * runs. The parent sends one task at a time, so the two never run tasks at once.
 */
public final class ProcessPoolWorker {

    private ProcessPoolWorker() {}

    private static volatile boolean busy;
    /** Held by the thread that reads the channel. */
    private static final ReentrantLock READER = new ReentrantLock();
    private static DataInputStream channelIn;
    private static DataOutputStream channelOut;
    private static PrintStream console;
    private static int maxBytes;

    /** Argument: the maximum message size in bytes. */
    public static void main(String[] args) throws Exception {
        maxBytes = Integer.parseInt(args[0]);
        channelIn = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        channelOut = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        console = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        System.setOut(console);
        System.setErr(console);
        System.setIn(new ByteArrayInputStream(new byte[0]));

        ProcessHandle.current().parent().ifPresent(parent ->
                parent.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));

        Message first = readOrEnd();
        if (!(first instanceof Init init)) {
            end();
            return;
        }
        Thread.ofPlatform().daemon().name("process-pool-worker-follower").start(ProcessPoolWorker::serve);
        Failure initFailure = null;
        if (init.initializer() != null) {
            try {
                busy = true;
                ((Runnable) ProcessPoolProtocol.deserialize(init.initializer(), init.filter())).run();
            } catch (Throwable t) {
                initFailure = Failure.of(t, maxBytes);
            } finally {
                busy = false;
            }
        }
        console.flush();
        reply(new Ready(ProcessHandle.current().pid(), initFailure));
        serve();
    }

    /** Takes turns reading the channel, and runs each task read in this thread. */
    private static void serve() {
        while (true) {
            if (!(readOrEnd() instanceof Run run)) {
                end();
                return;
            }
            busy = true;
            Message reply;
            try {
                Callable<?> task = (Callable<?>) ProcessPoolProtocol.deserialize(run.task(), run.filter());
                Object value = task.call();
                reply = new Done(ProcessPoolProtocol.serialize(value, maxBytes).bytes());
            } catch (Throwable t) {
                reply = Failure.of(t, maxBytes);
            } finally {
                busy = false;
            }
            console.flush();
            reply(reply);
        }
    }

    /** Reads the next message in this thread's turn; the end of the channel ends the worker. */
    private static Message readOrEnd() {
        READER.lock();
        try {
            return ProcessPoolProtocol.read(channelIn, maxBytes);
        } catch (IOException endOrBroken) {
            end();
            return null;
        } finally {
            READER.unlock();
        }
    }

    /**
     * The parent closed the channel (or died, or broke the protocol): stop now. Idle, exit
     * normally; busy, halt, since the task's code (in the other thread) may never return.
     */
    private static void end() {
        if (busy) {
            Runtime.getRuntime().halt(0);
        }
        System.exit(0);
    }

    private static void reply(Message message) {
        // The lock orders the two threads' use of the stream (the pipe alone is no happens-before).
        synchronized (channelOut) {
            try {
                try {
                    ProcessPoolProtocol.write(channelOut, message, maxBytes);
                } catch (ProcessPoolProtocol.MessageTooLargeException e) {
                    // Say so instead of sending it (the parent would refuse it unread anyway).
                    ProcessPoolProtocol.write(channelOut,
                            new Failure(e.getClass().getName(), e.getMessage(), e.getStackTrace(), null), maxBytes);
                }
            } catch (IOException e) {
                // The channel is gone: the parent closed it or died.
                end();
            }
        }
    }
}
