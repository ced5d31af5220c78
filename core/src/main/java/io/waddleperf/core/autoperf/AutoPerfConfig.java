package io.waddleperf.core.autoperf;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Validated;
import io.waddleperf.core.spec.InvalidSpecException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What an agent measures: the test server its tiers name as {@code {target_server}} and the AutoPerf tiers with their
 * probes and thresholds. It is the measuring part of the agent's own configuration (the keys {@code target_server}
 * and {@code autoperf.*} of {@code autoperf.yml}) and, with the same keys, the document the manager keeps and serves
 * to enrolled agents — one schema, so a document the manager accepted runs on the agent as written and a mistake
 * names the same key path in both places.
 *
 * <p>Two checks: {@link #validate} checks the document as such and is what the manager applies; it does not know
 * the agent's own target server or resolver and stands in for them. {@link #validateRunnable} is the agent's: the
 * placeholders must fill from what the agent really has.
 *
 * @param targetServer the WaddlePerf test server the default tiers measure (host name or address); null leaves the
 *                     agent's local setting
 * @param autoperf     the tiers and how they escalate
 */
public record AutoPerfConfig(String targetServer, Autoperf autoperf) implements Validated {

    /** Probe and threshold names: snake_case, at most 63 characters. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    // Stand-ins for what only the agent knows, so that the manager can still parse every target it is given.
    private static final String STAND_IN_SERVER = "target-server.invalid";
    private static final Supplier<Optional<String>> STAND_IN_RESOLVER = () -> Optional.of("127.0.0.53");

    private static final ConfigLoader<AutoPerfConfig> LOADER = ConfigLoader.of(AutoPerfConfig.class, "AUTOPERF");

    public static AutoPerfConfig defaults() {
        return new AutoPerfConfig(null, Autoperf.defaults());
    }

    /** The loader of this record (JSON documents with {@link ConfigLoader#loadJson}). */
    public static ConfigLoader<AutoPerfConfig> loader() {
        return LOADER;
    }

    /** The same measurement with another target server (a served document that leaves it to the agent). */
    public AutoPerfConfig withTargetServer(String server) {
        return new AutoPerfConfig(server, autoperf);
    }

    /**
     * Every tier's probes with the placeholders filled in and the targets parsed, in tier order.
     *
     * @param resolver the system resolver, for {@code {system_resolver}}
     * @throws ConfigException when a target cannot be used (never after {@link #validateRunnable} passed)
     */
    public List<List<ProbeDefinition>> probeDefinitions(Supplier<Optional<String>> resolver) {
        List<String> problems = new ArrayList<>();
        List<List<ProbeDefinition>> out = definitions(targetServer, resolver, (k, m) -> problems.add(k + ": " + m));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return out;
    }

    private interface Report {
        void add(String keyPath, String message);
    }

    private List<List<ProbeDefinition>> definitions(String server, Supplier<Optional<String>> resolver, Report report) {
        List<List<ProbeDefinition>> out = new ArrayList<>();
        List<Tier> tiers = autoperf.tiers();
        for (int t = 0; t < tiers.size(); t++) {
            Tier tier = tiers.get(t);
            List<ProbeDefinition> defs = new ArrayList<>();
            if (tier == null) {
                out.add(List.of());
                continue;
            }
            for (int i = 0; i < tier.probes().size(); i++) {
                Probe p = tier.probes().get(i);
                String path = "autoperf.tier" + (t + 1) + ".probes[" + i + "]";
                boolean unusable = (p.target() == null || p.target().isBlank()) && p.command().isEmpty()
                        || server == null && p.target() != null && p.target().contains("{target_server}");
                if (unusable) {
                    continue; // reported on its own key
                }
                try {
                    ProbeDefinition.of(t + 1, p, tier.probeTimeout(), server, resolver).ifPresent(defs::add);
                } catch (InvalidSpecException e) {
                    String field = e.field().equals("target") || e.field().equals("port") ? "target"
                            : "options." + e.field();
                    String message = e.getMessage().startsWith(e.field() + ": ")
                            ? e.getMessage().substring(e.field().length() + 2) : e.getMessage();
                    report.add(path + "." + field, message);
                } catch (IllegalArgumentException e) {
                    report.add(path + ".target", e.getMessage());
                }
            }
            out.add(List.copyOf(defs));
        }
        return List.copyOf(out);
    }

    /** The document's own checks, as the manager makes them (the agent's target server and resolver stood in for). */
    @Override
    public void validate(Problems problems) {
        check(problems, false, STAND_IN_RESOLVER);
    }

    /**
     * The checks of a configuration the agent is about to run: those of {@link #validate}, and every placeholder
     * must fill from the agent's own target server and resolver.
     */
    public void validateRunnable(Problems problems, Supplier<Optional<String>> resolver) {
        check(problems, true, resolver);
    }

    private void check(Problems problems, boolean runnable, Supplier<Optional<String>> resolver) {
        if (targetServer != null) {
            problems.require(targetServer.matches("[A-Za-z0-9_.:%-]{1,253}"), "target_server",
                    "'" + targetServer + "' is neither an IP address nor a DNS-safe name");
        }
        if (autoperf == null) {
            return; // reported by the loader on its own key
        }
        List<Tier> tiers = autoperf.tiers();
        if (autoperf.enabled() && tiers.stream().noneMatch(t -> t == null || t.enabled())) {
            problems.add("autoperf.enabled", "AutoPerf is enabled but every tier is disabled (enable one, or set "
                    + "autoperf.enabled to false)");
        }
        for (int t = 0; t < tiers.size(); t++) {
            Tier tier = tiers.get(t);
            String tierPath = "autoperf.tier" + (t + 1);
            if (!autoperf.enabled() || tier == null || !tier.enabled()) {
                continue; // a tier that did not load is reported on its own key
            }
            if (tier.probes().isEmpty()) {
                problems.add(tierPath + ".probes", "an enabled tier needs at least one probe");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < tier.probes().size(); i++) {
                Probe p = tier.probes().get(i);
                String path = tierPath + ".probes[" + i + "]";
                if (runnable && targetServer == null && p.target() != null && p.target().contains("{target_server}")) {
                    problems.add(path + ".target", "'" + p.target() + "' names {target_server}, but target_server "
                            + "is not set (TARGET_SERVER or target_server in the file)");
                    continue;
                }
                String name = p.name() != null ? p.name() : ProbeDefinition.defaultName(p);
                if (name != null && !names.add(name)) {
                    problems.add(path + ".name", "two probes of this tier are named '" + name
                            + "'; give each a name of its own");
                }
            }
            if (tier.thresholds() == null) {
                continue;
            }
            for (CustomThreshold c : tier.thresholds().custom()) {
                for (String probe : c.probes()) {
                    problems.require(tier.probes().stream().anyMatch(p -> probe.equals(p.name() != null ? p.name()
                                    : ProbeDefinition.defaultName(p))), tierPath + ".thresholds.custom",
                            "threshold '" + c.name() + "' names probe '" + probe + "', which " + tierPath + " does not have");
                }
            }
        }
        if (autoperf.enabled()) {
            String server = targetServer != null || runnable ? targetServer : STAND_IN_SERVER;
            definitions(server, runnable ? resolver : STAND_IN_RESOLVER, problems::add);
        }
    }
}
