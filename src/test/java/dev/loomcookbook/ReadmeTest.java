package dev.loomcookbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.cli.Demos;
import dev.loomcookbook.recipes.Recipe;
import dev.loomcookbook.recipes.Recipes;
import dev.loomcookbook.recipes.SourceText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README stays true: its code is the code that runs, and its concept map names what exists. */
class ReadmeTest {

    private static final Pattern SNIPPET =
            Pattern.compile("<!-- snippet: ([\\w./-]+)#([\\w.-]+) -->\\n```\\w*\\n(.*?)\\n```",
                    Pattern.DOTALL);
    private static final Pattern TEST_NAME = Pattern.compile("`(\\w+Test)(?:\\.(\\w+))?`");

    private static String readme;
    private static List<String> mapRows;

    @BeforeAll
    static void read() throws IOException {
        readme = Files.readString(Path.of("README.md"));
        String map = readme.substring(readme.indexOf("## The concept map"),
                readme.indexOf("## Recipes"));
        mapRows =
                map.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| Python |")).toList();
    }

    /** Every snippet in the README is, line for line, the region of the file it names. */
    @Test
    void snippetsAreTheRegionsTheyName() {
        Matcher m = SNIPPET.matcher(readme);
        int found = 0;
        while (m.find()) {
            found++;
            String file = m.group(1);
            String text = file.endsWith(".py")
                    ? SourceText.python(file)
                    : SourceText.java(classNamed(file));
            List<String> region = SourceText.regions(text).stream()
                    .filter(r -> r.name().equals(m.group(2))).findFirst()
                    .orElseThrow(() -> new AssertionError(file + " has no region " + m.group(2)))
                    .lines();
            assertThat(m.group(3).lines().toList()).as("snippet %s#%s", file, m.group(2))
                    .containsExactlyElementsOf(region);
        }
        assertThat(found).as("snippets in the README").isGreaterThanOrEqualTo(2);
    }

    /** Every recipe has a row in the concept map, as {@code recipes NAME}. */
    @Test
    void everyRecipeIsInTheConceptMap() {
        List<String> missing = Recipes.all().stream().map(Recipe::name)
                .filter(name -> mapRows.stream().noneMatch(row -> row.contains("`recipes " + name)
                        || row.matches(
                                ".*`recipes [^`]*\\b" + Pattern.quote(name) + "\\b[^`]*`.*")))
                .toList();
        assertThat(missing).as("recipes without a row").isEmpty();
    }

    /** Every demo appears in the concept map. */
    @Test
    void everyDemoIsInTheConceptMap() {
        List<String> missing = Demos.all().stream().map(Demos::nameOf)
                .filter(name -> mapRows.stream().noneMatch(row -> row.contains("`" + name + "`")
                        || row.contains("`" + name + " ")))
                .toList();
        assertThat(missing).as("demos without a row").isEmpty();
    }

    /** Every test the concept map names exists, and so does every test method it names. */
    @Test
    void everyTestNamedInTheMapExists() throws IOException {
        Map<String, Class<?>> tests = testClasses();
        List<String> missing = new ArrayList<>();
        for (String row : mapRows) {
            Matcher m = TEST_NAME.matcher(row);
            while (m.find()) {
                Class<?> type = tests.get(m.group(1));
                if (type == null) {
                    missing.add(m.group());
                } else if (m.group(2) != null && Stream.of(type.getDeclaredMethods())
                        .noneMatch(method -> method.getName().equals(m.group(2)))) {
                    missing.add(m.group());
                }
            }
        }
        assertThat(missing).as("tests named in the map that do not exist").isEmpty();
    }

    /**
     * The operations a Python developer looks up first each have a row: the Python column of
     * the concept map names them.
     */
    @Test
    void theCommonOperationsHaveRows() {
        List<String> operations = List.of("asyncio.run", "async def", "asyncio.create_task",
                "task.cancel()", "asyncio.gather", "return_exceptions=True", "FIRST_COMPLETED",
                "asyncio.wait_for", "asyncio.timeout", "asyncio.as_completed", "TaskGroup",
                "asyncio.shield", "asyncio.Semaphore", "asyncio.Queue", "asyncio.Lock",
                "asyncio.Event", "asyncio.to_thread", "run_in_executor", "call_later",
                "contextvars", "asyncio.start_server", "asyncio.open_connection",
                "create_subprocess_exec", "ThreadPoolExecutor.map", "max_tasks_per_child",
                "concurrent.futures.as_completed", "add_done_callback");
        List<String> pythonColumn = mapRows.stream().map(row -> row.split(" \\| ", -1)[0]).toList();
        List<String> missing = operations.stream()
                .filter(op -> pythonColumn.stream().noneMatch(cell -> cell.contains(op))).toList();
        assertThat(missing).as("operations without a row").isEmpty();
    }

    /** The command CI runs is the test command the README gives. */
    @Test
    void ciRunsTheReadmesTestCommand() throws IOException {
        String ci = Files.readString(Path.of(".ci/run"));
        String command = ci.lines().filter(l -> l.startsWith("./mvnw")).findFirst().orElseThrow();
        assertThat(readme).contains(command);
    }

    private static Class<?> classNamed(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no class " + name, e);
        }
    }

    /** The test classes of this project, by simple name. */
    private static Map<String, Class<?>> testClasses() throws IOException {
        Path root = Path.of("target", "test-classes");
        try (Stream<Path> files = Files.walk(root)) {
            Set<String> names = files.map(root::relativize).map(Path::toString)
                    .filter(p -> p.endsWith("Test.class") && !p.contains("$"))
                    .map(p -> p.substring(0, p.length() - ".class".length())
                            .replace('/', '.').replace('\\', '.'))
                    .collect(Collectors.toSet());
            return names.stream().collect(Collectors.toMap(
                    n -> n.substring(n.lastIndexOf('.') + 1), ReadmeTest::classNamed, (a, b) -> a));
        }
    }
}
