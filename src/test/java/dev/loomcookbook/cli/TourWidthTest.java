package dev.loomcookbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tour runs every registered demo with its tour settings, and every line fits the terminal. */
class TourWidthTest {

    /** The whole tour exits 0, names every demo, and prints no line wider than 100 columns. */
    @Test
    void everyLineOfTheTourFitsIn100Columns() {
        CliRun tour = CliRun.root("tour");
        assertThat(tour.exitCode()).as(tour.err()).isZero();
        for (Demo demo : Demos.all()) {
            assertThat(tour.out()).contains("] " + Demos.nameOf(demo) + "  --  Python: ");
        }
        List<String> wide = tour.out().lines().filter(l -> l.length() > Cli.WIDTH).toList();
        assertThat(wide).as("lines over %d columns", Cli.WIDTH).isEmpty();
        assertThat(tour.err().lines().filter(l -> l.length() > Cli.WIDTH)).isEmpty();
    }
}
