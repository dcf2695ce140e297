package dev.loomcookbook.subprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.RecipeRun;
import org.junit.jupiter.api.Test;

/** {@link ShellOrExec}: a shell splits and runs what it is given; the exec form passes it whole. */
class ShellOrExecTest {

    private static final String NAME = "two words; echo injected";

    /** Through a shell the argument is split at its spaces and the part after ';' runs. */
    @Test
    void theShellFormSplitsTheArgumentAndRunsTheInjectedCommand() throws Exception {
        assertThat(ShellOrExec.lines(new ProcessBuilder("sh", "-c", "printf '[%s]\\n' " + NAME)))
                .containsExactly("[two]", "[words]", "injected");
    }

    /** Without a shell the child gets the argument as one, quotes and '$' and all. */
    @Test
    void theExecFormPassesTheArgumentWhole() throws Exception {
        String tricky = NAME + " 'quoted' $HOME `id`";
        assertThat(ShellOrExec.lines(new ProcessBuilder("printf", "[%s]\\n", tricky)))
                .containsExactly("[" + tricky + "]");
    }

    /** The recipe's run shows both. */
    @Test
    void runShowsBothForms() {
        assertThat(RecipeRun.lines(ShellOrExec.RECIPE)).containsExactly(
                "shell: [two]", "shell: [words]", "shell: injected",
                "exec: [two words; echo injected]");
    }
}
