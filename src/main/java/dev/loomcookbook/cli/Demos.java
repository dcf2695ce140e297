package dev.loomcookbook.cli;

import java.util.List;
import picocli.CommandLine.Command;
import java.util.function.Supplier;

/**
 * Every demo, in tour order. Each demo issue adds its line here; {@code list}, {@code tour} and
 * the subcommands all come from this one list.
 */
public final class Demos {

    private Demos() {}

    private static final List<Supplier<Demo>> ALL = List.of(
            dev.loomcookbook.coroutines.CoroutinesDemo::new,
            dev.loomcookbook.coroutines.HttpDemo::new,
            dev.loomcookbook.eventloop.EventLoopDemo::new,
            dev.loomcookbook.eventloop.CarrierLoopDemo::new,
            dev.loomcookbook.pooling.PoolingDemo::new
    );

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
