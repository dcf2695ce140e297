package dev.loomcookbook.queues;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;

/** {@code asyncio.LifoQueue(maxsize=3)}: the last item put is the first taken, a stack. */
public final class LifoOrder {

    /** This recipe: {@code recipes lifo-queue}. */
    public static final Recipe RECIPE = Recipe.of("lifo-queue", "asyncio.LifoQueue(maxsize=3)",
            LifoOrder.class, LifoOrder::run)
            .differs("a deque used at one end; no task_done/join: JoinableQueue.lifo (project)")
            .normalise("\\bTrue\\b", "true");

    private LifoOrder() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="lifo-queue"
        BlockingDeque<Integer> stack = new LinkedBlockingDeque<>(3);    // maxsize=3
        for (int i = 1; i <= 3; i++) {
            stack.putFirst(i);                  // waits while full
        }
        out.println("full: " + (stack.remainingCapacity() == 0));
        while (!stack.isEmpty()) {
            out.println("got " + stack.takeFirst());    // waits while empty
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
