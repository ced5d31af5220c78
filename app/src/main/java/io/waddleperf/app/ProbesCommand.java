package io.waddleperf.app;

import io.waddleperf.core.spec.ProbeCatalog;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code waddleperf probes [TYPE]}: what each probe type measures, how its target is written, what the common flags
 * default to for it and its own options with their defaults, read from {@link ProbeCatalog}.
 */
@Command(name = "probes", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"List the probe types, or one type's target form, flag defaults and options.",
            "Options are given as --opt KEY=VALUE or as ?key=value in the target URI."},
        footer = {"", "Examples:", "  waddleperf probes", "  waddleperf probes tls"})
public final class ProbesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TYPE", completionCandidates = TypeNames.class,
            description = "A scheme or type name, e.g. tls, udp-raw, trace.")
    String type;

    @Override
    public Integer call() {
        String text;
        if (type == null) {
            text = overview();
        } else {
            ProbeCatalog.Probe probe = ProbeCatalog.byScheme(type.endsWith("://") ? type.substring(0, type.length() - 3)
                    : type).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "no probe type '" + type + "' (known: " + String.join(", ", names()) + ")"));
            text = describe(probe);
        }
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
    }

    private static Iterable<String> names() {
        return ProbeCatalog.all().stream().map(p -> p.schemes().getFirst()).toList();
    }

    /** One line per probe type: its target form and what it measures. */
    static String overview() {
        int width = ProbeCatalog.all().stream().mapToInt(p -> p.form().length()).max().orElse(0);
        StringBuilder sb = new StringBuilder("Probe types (the target's scheme names one):\n");
        for (ProbeCatalog.Probe p : ProbeCatalog.all()) {
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", p.form(), p.about()));
        }
        sb.append("'waddleperf probes TYPE' lists a type's options and defaults.\n");
        return sb.toString();
    }

    /** A probe type's target form, the common flags' defaults and its options with their defaults. */
    static String describe(ProbeCatalog.Probe p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.schemes().getFirst()).append(": ").append(p.about()).append('\n');
        sb.append("  target   ").append(p.form());
        if (p.schemes().size() > 1) {
            sb.append("   (scheme also ").append(String.join(", ", p.schemes().subList(1, p.schemes().size())))
                    .append(')');
        }
        sb.append('\n');
        sb.append("  flags    ").append(p.flags()).append('\n');
        if (p.options().isEmpty()) {
            sb.append("  options  none\n");
            return sb.toString();
        }
        sb.append("  options  (--opt KEY=VALUE, or ?key=value in the URI)\n");
        int key = p.options().stream().mapToInt(o -> o.key().length()).max().orElse(0);
        int dflt = p.options().stream().mapToInt(o -> o.dflt().length()).max().orElse(0);
        for (ProbeCatalog.Option o : p.options()) {
            sb.append(String.format(Locale.ROOT, "    %-" + key + "s  %-" + dflt + "s  %s%n", o.key(), o.dflt(),
                    o.about()));
        }
        return sb.toString();
    }

    /** Scheme names, for completion. */
    static final class TypeNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ProbeCatalog.schemes().iterator();
        }
    }
}
