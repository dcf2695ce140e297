package dev.loomcookbook.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** {@code --version}: the project version and the JDK that runs it. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in =
                VersionProvider.class.getResourceAsStream("/dev/loomcookbook/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {
            "loomcookbook " + p.getProperty("version", "(unknown version)"),
            "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                    + Runtime.getRuntime().availableProcessors() + " cores"
        };
    }
}
