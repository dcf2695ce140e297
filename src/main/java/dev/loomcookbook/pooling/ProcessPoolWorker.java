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
import java.util.concurrent.SynchronousQueue;

/**
 * The main class of a {@link ProcessPool} worker JVM. Not for direct use.
 *
 * <p>Before any task code runs it takes the process's standard input and output for itself, as
 * the framed task channel, and points {@code System.out} and {@code System.err} at the standard
 * error stream (which the parent forwards, prefixed, to its own stderr) and {@code System.in} at
 * an empty stream: whatever a task prints cannot corrupt the channel.
 *
 * <p>It never outlives its parent: a reader thread reads the channel all the time, even while a
 * task runs, and the end of the stream (the parent closed the pool, or died and the kernel closed
 * the pipe) ends the worker; a watch on the parent process does the same as a second line of
 * defence. An {@link OutOfMemoryError} ends the JVM ({@code -XX:+ExitOnOutOfMemoryError}, set by
 * the pool), since the heap of a JVM that ran out of memory cannot be trusted.
 */
public final class ProcessPoolWorker {

    private ProcessPoolWorker() {}

    private static volatile boolean busy;

    /** Argument: the maximum message size in bytes. */
    public static void main(String[] args) throws Exception {
        int maxBytes = Integer.parseInt(args[0]);
        DataInputStream channelIn = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        DataOutputStream channelOut = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        System.setOut(console);
        System.setErr(console);
        System.setIn(new ByteArrayInputStream(new byte[0]));

        ProcessHandle.current().parent().ifPresent(parent ->
                parent.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));

        SynchronousQueue<Message> inbox = new SynchronousQueue<>();
        Thread reader = Thread.ofPlatform().daemon().name("process-pool-worker-reader").start(() -> {
            try {
                while (true) {
                    inbox.put(ProcessPoolProtocol.read(channelIn, maxBytes));
                }
            } catch (IOException | InterruptedException endOrBroken) {
                // The parent closed the channel (or died, or broke the protocol): stop now. Idle,
                // exit normally; busy, halt, since the task's code may never return.
                if (busy) {
                    Runtime.getRuntime().halt(0);
                }
                System.exit(0);
            }
        });

        Init init = (Init) inbox.take();
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
        ProcessPoolProtocol.write(channelOut, new Ready(ProcessHandle.current().pid(), initFailure), maxBytes);

        while (reader.isAlive()) {
            Run run = (Run) inbox.take();
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
            try {
                ProcessPoolProtocol.write(channelOut, reply, maxBytes);
            } catch (ProcessPoolProtocol.MessageTooLargeException e) {
                // Say so instead of sending it (the parent would refuse it unread anyway).
                ProcessPoolProtocol.write(channelOut,
                        new Failure(e.getClass().getName(), e.getMessage(), e.getStackTrace(), null), maxBytes);
            }
        }
    }
}
