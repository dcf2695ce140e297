package dev.loomcookbook.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine every absolute figure belongs to: cores, CPU model, memory, JDK, OS. */
final class Machine {

    private Machine() {}

    static ObjectNode describe(ObjectMapper json) {
        ObjectNode m = json.createObjectNode();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name", "unknown CPU"));
        m.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal", "unknown"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version()
                + " (" + System.getProperty("java.vendor") + ")");
        String os = firstValue(Path.of("/etc/os-release"), "PRETTY_NAME", null);
        m.put("os",
                (os == null ? "" : os.replace("\"", "") + ", ") + System.getProperty("os.name")
                        + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        String python = Comparison.pythonVersion();
        m.put("python", python == null ? "absent" : python);
        return m;
    }

    /** The value after the first {@code key:} or {@code key=} line, or the fallback. */
    static String firstValue(Path file, String key, String fallback) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    int sep = line.indexOf(':') >= 0 ? line.indexOf(':') : line.indexOf('=');
                    if (sep >= 0) {
                        return line.substring(sep + 1).strip();
                    }
                }
            }
        } catch (IOException e) {
            // not Linux: fall back
        }
        return fallback;
    }
}
