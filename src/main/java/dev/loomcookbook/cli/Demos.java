package dev.loomcookbook.cli;

import dev.loomcookbook.cluster.ClusterDemo;
import dev.loomcookbook.coroutines.CoroutinesDemo;
import dev.loomcookbook.coroutines.HttpDemo;
import dev.loomcookbook.eventloop.CarrierLoopDemo;
import dev.loomcookbook.eventloop.EventLoopDemo;
import dev.loomcookbook.futures.FuturesDemo;
import dev.loomcookbook.futures.OffloadDemo;
import dev.loomcookbook.inspect.PinningDemo;
import dev.loomcookbook.inspect.PsTreeCommand;
import dev.loomcookbook.pooling.PoolingDemo;
import dev.loomcookbook.streams.StreamsDemo;
import dev.loomcookbook.tasks.TasksDemo;
import dev.loomcookbook.tasks.scheduler.SchedulerDemo;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Command;

/**
 * Every demo, in tour order. Each demo adds its line here; {@code list}, {@code tour} and
 * the subcommands all come from this one list.
 */
public final class Demos {

    private Demos() {}

    private static final List<Supplier<Demo>> ALL = List.of(
            CoroutinesDemo::new,
            HttpDemo::new,
            StreamsDemo::new,
            EventLoopDemo::new,
            CarrierLoopDemo::new,
            TasksDemo::new,
            SchedulerDemo::new,
            FuturesDemo::new,
            OffloadDemo::new,
            PoolingDemo::new,
            ClusterDemo::new,
            PinningDemo::new,
            PsTreeCommand::new);

    /** Fresh instances of every demo, in tour order. */
    public static List<Demo> all() {
        return ALL.stream().map(Supplier::get).toList();
    }

    /** A demo's subcommand name, from its {@code @Command}. */
    public static String nameOf(Demo demo) {
        return demo.getClass().getAnnotation(Command.class).name();
    }

    /** A demo's one-line summary: the first line of its {@code @Command} description. */
    public static String summaryOf(Demo demo) {
        String[] description = demo.getClass().getAnnotation(Command.class).description();
        return description.length == 0 ? "" : description[0];
    }
}
