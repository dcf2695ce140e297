package dev.loomcookbook.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.IOptionRenderer;
import picocli.CommandLine.Help.IParameterRenderer;
import picocli.CommandLine.Help.Layout;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The help of every command, one way: 100 columns, text broken only at spaces (never inside
 * {@code asyncio.sleep(1)}), each option's limits (from its {@link Bounds} converter) and default
 * written as {@code Range: ... Default: ...}, and {@code -h} and {@code -V} last.
 */
final class HelpStyle extends CommandLine.Help {

    /** Width of the help and of every line a demo prints. */
    static final int WIDTH = dev.loomcookbook.common.Text.WIDTH;

    /** Wrapped lines of a description are indented by this much, as picocli does. */
    private static final int HANGING_INDENT = 2;

    /** Room for an option's description; known once the layout is made. */
    private int descriptionWidth = 60;

    HelpStyle(CommandSpec spec, ColorScheme colorScheme) {
        super(spec, colorScheme);
    }

    @Override
    public Comparator<OptionSpec> createDefaultOptionSort() {
        Comparator<OptionSpec> helpLast =
                Comparator.comparing(o -> o.usageHelp() || o.versionHelp());
        Comparator<OptionSpec> byName = super.createDefaultOptionSort();
        return byName == null ? helpLast : helpLast.thenComparing(byName);
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options,
            List<PositionalParamSpec> positionals,
            ColorScheme scheme) {
        Layout layout = super.createDefaultLayout(options, positionals, scheme);
        Column description = layout.textTable().columns()[4];
        descriptionWidth = description.width - description.indent - 1;
        return layout;
    }

    @Override
    public IOptionRenderer createDefaultOptionRenderer() {
        IOptionRenderer picocli = super.createDefaultOptionRenderer();
        return (option, labels, scheme) -> withDescription(picocli.render(option, labels, scheme),
                option, scheme);
    }

    @Override
    public IParameterRenderer createDefaultParameterRenderer() {
        IParameterRenderer picocli = super.createDefaultParameterRenderer();
        return (param, labels, scheme) -> withDescription(picocli.render(param, labels, scheme),
                param, scheme);
    }

    /** The command's description, broken at spaces into lines of at most {@link #WIDTH}. */
    static String description(CommandLine.Help help) {
        StringBuilder sb = new StringBuilder();
        for (String paragraph : help.commandSpec().usageMessage().description()) {
            for (String line : paragraph.replace("%n", "\n").replace("%%", "%").split("\n", -1)) {
                wrap(line, WIDTH, 0).forEach(l -> sb.append(l).append(System.lineSeparator()));
            }
        }
        return sb.toString();
    }

    /**
     * Replaces picocli's description column with {@code arg}'s description, limits and default,
     * pre-broken at spaces, so that picocli has nothing left to wrap.
     */
    private Text[][] withDescription(Text[][] rows, ArgSpec arg, ColorScheme scheme) {
        List<String> lines = new ArrayList<>();
        String[] paragraphs =
                String.join("%n", arg.description()).replace("%%", "%").split("%n", -1);
        String stated = null;
        for (int i = 0; i < paragraphs.length; i++) {
            String[] textAndDefault = withoutDefault(paragraphs[i]);
            String text = textAndDefault[0];
            stated = textAndDefault[1] != null ? textAndDefault[1] : stated;
            if (i == paragraphs.length - 1) {
                text = (text + " " + limits(arg, stated)).strip();
            }
            lines.addAll(wrap(text, descriptionWidth, HANGING_INDENT));
        }
        List<Text[]> out = new ArrayList<>();
        Text empty = scheme.text("");
        for (int i = 0; i < lines.size(); i++) {
            Text[] row = i == 0 ? Arrays.copyOf(rows[0], rows[0].length) : new Text[rows[0].length];
            if (i > 0) {
                Arrays.fill(row, empty);
            }
            row[row.length - 1] = scheme.text(lines.get(i));
            out.add(row);
        }
        return out.toArray(Text[][]::new);
    }

    /**
     * {@code text} without a {@code (default: ...)} written into it, and what that said: the help
     * writes every default one way, at the end.
     */
    static String[] withoutDefault(String text) {
        int start = text.indexOf("(default: ");
        if (start < 0) {
            return new String[] {text, null};
        }
        int depth = 0;
        int end = start;
        for (; end < text.length(); end++) {
            depth += text.charAt(end) == '(' ? 1 : text.charAt(end) == ')' ? -1 : 0;
            if (depth == 0) {
                break;
            }
        }
        if (end == text.length()) {
            return new String[] {text, null};
        }
        String stated = text.substring(start + "(default: ".length(), end);
        String rest = (text.substring(0, start).stripTrailing() + text.substring(end + 1)).strip();
        return new String[] {rest.endsWith(".") || rest.isEmpty() ? rest : rest + ".", stated};
    }

    /** {@code Range: 1 to 64. Default: 5.}, as far as {@code arg} has them. */
    static String limits(ArgSpec arg, String statedDefault) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine.ITypeConverter<?> converter : arg.converters()) {
            if (converter instanceof Bounds.Bounded bounded) {
                sb.append("Range: ").append(bounded.range()).append('.');
            }
        }
        boolean flag = arg.type() == boolean.class || arg.type() == Boolean.class;
        String value = arg.defaultValue() != null && !flag ? arg.defaultValue() : statedDefault;
        if (value != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("Default: ").append(value).append('.');
        }
        return sb.toString();
    }

    static List<String> wrap(String text, int width, int indent) {
        return dev.loomcookbook.common.Text.wrap(text, width, indent);
    }
}
