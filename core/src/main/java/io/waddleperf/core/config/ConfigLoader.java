package io.waddleperf.core.config;

import io.waddleperf.core.config.Node.Mapping;
import io.waddleperf.core.config.Node.Origin;
import io.waddleperf.core.config.Node.Scalar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The loader of one program's configuration record: typed, strict and immutable.
 *
 * <h2>Declaring a config</h2>
 * A config is a record (say {@code TestServerConfig}) whose components are records, {@code List<X>},
 * {@code Map<String, X>}, {@code String}, {@link Secret}, {@code int}, {@code long}, {@code boolean},
 * {@code double} (boxed or not), {@link java.time.Duration}, {@link java.nio.file.Path}, {@link java.net.URI} or
 * enums. Component {@code httpPort} is key {@code http_port}; enums are written by name in any case
 * ({@code tcp}); durations, sizes ({@link Bytes}) and rates ({@link BitRate}) use the syntax of
 * {@link io.waddleperf.core.units.Units}. Defaults live in one place: a static no-argument {@code defaults()} method
 * on the record (nested records declare their own and the parent's {@code defaults()} uses them); a record without
 * one has every key required. Records keep themselves immutable ({@code List.copyOf}, {@code Map.copyOf} in the
 * compact constructor; the loader hands them immutable collections already) and check themselves in the compact
 * constructor and/or {@link Validated#validate}.
 *
 * <h2>Sources, in increasing precedence</h2>
 * <ol>
 * <li>the record's {@code defaults()};</li>
 * <li>a YAML file (optional): nested mappings for nested records and maps, YAML lists for lists;</li>
 * <li>environment variables starting with the loader's prefix, named as described in {@link #envName}: the key
 *     path in upper case with {@code __} between levels, or a single {@code _} where only one key path fits;</li>
 * <li>flags: snake_case dotted key paths to values ({@code tls.cert_file=/x}), which the CLI passes.</li>
 * </ol>
 * Sections merge key by key across sources (also map entries); a list or a single value given by a later source
 * replaces the earlier one. In environment variables and flags a list is written comma-separated
 * ({@code a, b}; empty text is an empty list); lists of records can only be written in the YAML file.
 *
 * <h2>Secrets</h2>
 * A {@link Secret} (or {@code List<Secret>}) component {@code x} is refused as a flag, since command lines are
 * visible to every local user. Every such key also has the form {@code x_file}, a path that may come from any source
 * (also a flag): the secret is read from that file (a single secret is the whole file without surrounding white
 * space; a list one entry per line, {@code #} comments and blank lines skipped), and problems name file and line. Of {@code x} and {@code x_file}, the one from the later
 * source wins.
 *
 * <h2>Errors</h2>
 * An unknown key anywhere, a value of the wrong type, a missing required key or a failed check is a problem naming
 * the full key path and its source ({@code unknown key 'server.htp_port' in /etc/x.yml:3 (did you mean
 * 'http_port'?)}); {@link #load} reports them all at once in a {@link ConfigException} and never returns a
 * half-valid config. Reloading is calling {@link #load} again and swapping the result in if it succeeds.
 *
 * @param <T> the config record type
 */
public final class ConfigLoader<T extends Record> {

    private static final Pattern PREFIX = Pattern.compile("[A-Z][A-Z0-9_]*");

    private final Class<T> type;
    private final String envPrefix;
    private final Set<String> ignoredEnv;
    private final Map<String, String> envAliases;

    private ConfigLoader(Class<T> type, String envPrefix, Set<String> ignoredEnv, Map<String, String> envAliases) {
        this.type = type;
        this.envPrefix = envPrefix;
        this.ignoredEnv = Set.copyOf(ignoredEnv);
        this.envAliases = Map.copyOf(envAliases);
    }

    /**
     * A loader for {@code type} reading environment variables that start with {@code envPrefix} (e.g.
     * {@code WADDLEPERF_TESTSERVER}; a trailing {@code _} is added if missing).
     *
     * @throws IllegalArgumentException if the record uses a component type the loader cannot fill, or the prefix
     *     is not upper-case letters, digits and underscores
     */
    public static <T extends Record> ConfigLoader<T> of(Class<T> type, String envPrefix) {
        if (!PREFIX.matcher(envPrefix).matches()) {
            throw new IllegalArgumentException("environment prefix must be upper-case letters, digits and '_': "
                    + envPrefix);
        }
        Schema.check(type, Schema.Unit.NONE, "", new HashSet<>());
        return new ConfigLoader<>(type, envPrefix.endsWith("_") ? envPrefix : envPrefix + "_", Set.of(), Map.of());
    }

    /**
     * A loader that also ignores the named environment variables although they carry the prefix: those the program
     * reads itself, such as the one naming the config file.
     */
    public ConfigLoader<T> ignoringEnv(String... names) {
        Set<String> ignored = new HashSet<>(ignoredEnv);
        ignored.addAll(Arrays.asList(names));
        return new ConfigLoader<>(type, envPrefix, ignored, envAliases);
    }

    /**
     * A loader that also reads the named environment variables, which do not carry the prefix, as the given key
     * paths ({@code AUTOPERF_INTERVAL} → {@code autoperf.interval}): the names an earlier program documented, kept
     * working. They rank as environment variables; one that sets the same key as a prefixed variable is a problem.
     *
     * @throws IllegalArgumentException if a key path is not one of the record's
     */
    public ConfigLoader<T> withEnvAliases(Map<String, String> aliases) {
        List<String> paths = keyPaths();
        aliases.forEach((name, path) -> {
            if (!paths.contains(path)) {
                throw new IllegalArgumentException("environment alias " + name + " names no key: " + path);
            }
        });
        Map<String, String> all = new java.util.LinkedHashMap<>(envAliases);
        all.putAll(aliases);
        return new ConfigLoader<>(type, envPrefix, ignoredEnv, all);
    }

    /** The unprefixed environment variables this loader reads (see {@link #withEnvAliases}), name → key path. */
    public Map<String, String> envAliases() {
        return new TreeMap<>(envAliases);
    }

    /**
     * Loads, checks and builds the config.
     *
     * @param file the YAML file, or null for none; an empty file means all defaults
     * @param env the environment (pass {@code System.getenv()} in programs, an explicit map in tests)
     * @param flags key path → value, e.g. {@code "tls.cert_file" → "/x"}
     * @throws ConfigException listing every problem found
     */
    public T load(Path file, Map<String, String> env, Map<String, String> flags) {
        List<String> problems = new ArrayList<>();
        Node overlay = Mapping.empty(null);
        if (file != null) {
            Mapping yaml = YamlReader.read(file, problems);
            if (yaml != null) {
                overlay = yaml;
            }
        }
        overlay = Node.merge(overlay, EnvMapper.map(type, envPrefix, env, ignoredEnv, problems));
        overlay = Node.merge(overlay, aliases(env, (Mapping) overlay, problems));
        overlay = Node.merge(overlay, flags(flags, Origin.Kind.FLAG, problems));
        Object config = new Binder(problems).bindRoot(type, (Mapping) overlay);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return type.cast(config);
    }

    /**
     * Loads a config from settings given by the program itself (tests, a demo): key paths to values as with
     * {@link #load(Path, Map, Map) flags}, over the defaults, checked the same way; secrets are allowed here.
     *
     * @throws ConfigException listing every problem found
     */
    public T load(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        Mapping overlay = flags(settings, Origin.Kind.CODE, problems);
        Object config = new Binder(problems).bindRoot(type, overlay);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return type.cast(config);
    }

    /**
     * Loads a config from one JSON document given as text, over the defaults, checked the same way (no environment,
     * no flags): a configuration kept somewhere other than a file, such as the agent configuration the manager stores
     * and serves. Problems name the key path and {@code source} with the line ({@code 'tier1.interval' in
     * config_data:4: …}).
     *
     * @throws ConfigException listing every problem found
     */
    public T loadJson(String source, String json) {
        List<String> problems = new ArrayList<>();
        Mapping document = YamlReader.parseJson(source, json, problems);
        Object config = document == null ? null : new Binder(problems).bindRoot(type, document);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return type.cast(config);
    }

    /** The defaults alone, checked like any loaded config. */
    public T defaults() {
        return load(null, Map.of(), Map.of());
    }

    /**
     * Runs every record's {@link Validated#validate} on a config built or copied in code, as a load would.
     *
     * @return {@code config}, for chaining
     * @throws ConfigException listing every problem found
     */
    public T check(T config) {
        List<String> problems = new ArrayList<>();
        new Binder(problems).validate(config, type);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** The canonical environment variable for a key path: {@code tls.cert_file} → {@code PREFIX_TLS__CERT_FILE}. */
    public String envName(String keyPath) {
        return EnvMapper.name(envPrefix, keyPath);
    }

    /** Every key path a user can set through records (map entries and list items not expanded), in record order. */
    public List<String> keyPaths() {
        return Schema.keyPaths(type, "");
    }

    /**
     * One settable key: its dotted path, its default as text ({@code (required)} when it has none, {@code (none)}
     * when it is unset, {@code (empty)} for an empty list), its canonical environment variable, and whether it is a secret (then {@code path_file} follows it).
     */
    public record Key(String path, String defaultValue, String envVariable, boolean secret) {
    }

    /** Every key that holds a value (sections expanded, {@code x_file} forms included), in record order. */
    public List<Key> keys() {
        List<Key> out = new ArrayList<>();
        Printer.keys(type, Binder.ABSENT, "", envPrefix, out::add);
        return List.copyOf(out);
    }

    /**
     * The config as {@code key.path = value} lines, in the syntax of flags and environment variables, every
     * {@link Secret} shown as {@value Secret#MASK}: safe to print and log.
     */
    public String print(T config) {
        Map<String, String> flat = new java.util.LinkedHashMap<>();
        Printer.flatten("", config, flat);
        StringBuilder out = new StringBuilder();
        flat.forEach((key, value) -> out.append(key).append(" = ").append(value).append('\n'));
        return out.toString();
    }

    /** The aliased variables present in {@code env} as a tree; one that repeats a key set by a prefixed variable is a problem. */
    private Mapping aliases(Map<String, String> env, Mapping sofar, List<String> problems) {
        Mapping tree = Mapping.empty(null);
        new TreeMap<>(envAliases).forEach((name, path) -> {
            String value = env.get(name);
            if (value == null) {
                return;
            }
            List<String> keys = List.of(path.split("\\."));
            Scalar scalar = new Scalar(value, new Origin(Origin.Kind.ENV, name));
            Node earlier = Node.find(sofar, keys);
            if (earlier != null && earlier.origin() != null && earlier.origin().kind() == Origin.Kind.ENV) {
                problems.add("'" + path + "' is set twice: " + earlier.origin().phrase() + " and " + scalar.origin().phrase());
            } else {
                Node.insert(tree, keys, scalar, problems);
            }
        });
        return tree;
    }

    private static Mapping flags(Map<String, String> flags, Origin.Kind kind, List<String> problems) {
        Mapping tree = Mapping.empty(null);
        new TreeMap<>(flags).forEach((key, value) -> {
            Origin origin = new Origin(kind, key);
            List<String> path = List.of(key.split("\\.", -1));
            if (path.stream().anyMatch(String::isBlank)) {
                problems.add((kind == Origin.Kind.FLAG ? "flag" : "setting") + " '" + key
                        + "' is not a key path (snake_case keys separated by '.')");
            } else {
                Node.insert(tree, path, new Scalar(value, origin), problems);
            }
        });
        return tree;
    }
}
