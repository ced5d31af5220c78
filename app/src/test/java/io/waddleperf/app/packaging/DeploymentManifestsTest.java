package io.waddleperf.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.agent.Agent;
import io.waddleperf.agent.AgentConfig;
import io.waddleperf.app.CreateAdminCommand;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.ManagerServer;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.TestServerConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose file and the Kubernetes manifests against the code: every environment variable is one the program's
 * config loader reads, the values load as a valid configuration, the published ports are exactly the ones that
 * configuration listens on, and every health check asks a path the running program answers with 200. The original
 * project's manifests named variables and ports its programs never read; this keeps ours from drifting the same way.
 */
class DeploymentManifestsTest {

    private static final Path ROOT = repositoryRoot();
    private static final List<String> PROGRAMS = List.of("manager", "testserver", "agent");
    /** Stands for a value the deployment takes from outside (a Secret, `${VAR:?}`): long enough for an API key. */
    private static final String OUTSIDE_VALUE = "outside-value-0123456789abcdef";

    /** A port a program listens on, or a container publishes. */
    record Port(int number, String protocol) implements Comparable<Port> {
        @Override
        public int compareTo(Port o) {
            return number != o.number ? Integer.compare(number, o.number) : protocol.compareTo(o.protocol);
        }

        @Override
        public String toString() {
            return number + "/" + protocol;
        }
    }

    /** An HTTP health check: the container port it asks and the path. */
    record Probe(int port, String path) {
    }

    /** One container of a program as a deployment file describes it. */
    record Workload(String where, String program, boolean longRunning, Map<String, String> env, Set<Port> published,
                    List<Probe> probes) {
    }

    @TempDir
    static Path tmp;

    private static List<Workload> compose;
    private static List<Workload> kubernetes;
    private static List<String> composeOthers;

    @BeforeAll
    static void parse() throws IOException {
        compose = new ArrayList<>();
        composeOthers = new ArrayList<>();
        parseCompose(ROOT.resolve("compose.yaml"));
        kubernetes = parseKubernetes(ROOT.resolve("packaging/kubernetes"));
    }

    @Test
    void every_program_is_deployed_by_both_and_the_agent_is_enrolled_to_the_manager() {
        assertThat(compose.stream().filter(Workload::longRunning).map(Workload::program))
                .containsExactlyInAnyOrderElementsOf(PROGRAMS);
        assertThat(kubernetes.stream().map(Workload::program)).containsExactlyInAnyOrderElementsOf(PROGRAMS);
        for (List<Workload> all : List.of(compose, kubernetes)) {
            Workload agent = all.stream().filter(w -> w.program().equals("agent")).findFirst().orElseThrow();
            assertThat(agent.env()).containsKey("WADDLEPERF_AGENT_MANAGER__URL")
                    .containsKey("WADDLEPERF_AGENT_MANAGER__ENROLLMENT_SECRET_FILE");
            String url = agent.env().get("WADDLEPERF_AGENT_MANAGER__URL");
            Workload manager = all.stream().filter(w -> w.program().equals("manager") && w.longRunning())
                    .findFirst().orElseThrow();
            int managerPort = Integer.parseInt(manager.env().get("WADDLEPERF_MANAGER_PORT"));
            assertThat(URI.create(url).getPort()).as(agent.where() + " manager URL").isEqualTo(managerPort);
        }
    }

    @Test
    void every_environment_variable_is_read_by_the_program_it_is_given_to() {
        List<String> problems = new ArrayList<>();
        for (Workload w : all()) {
            Set<String> known = knownVariables(w.program());
            w.env().keySet().stream().filter(n -> !known.contains(n))
                    .forEach(n -> problems.add(w.where() + ": " + n + " is not a variable " + w.program() + " reads"));
        }
        // Helper containers (volume ownership, enrolment) may only use variables some program reads.
        Set<String> any = new TreeSet<>();
        PROGRAMS.forEach(p -> any.addAll(knownVariables(p)));
        for (String entry : composeOthers) {
            String name = entry.substring(entry.indexOf(' ') + 1);
            if (name.startsWith("WADDLEPERF_") && !any.contains(name)) {
                problems.add(entry + " is read by no program");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void published_ports_are_exactly_the_ones_the_configuration_listens_on() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Workload w : all()) {
            Object config = load(w);
            if (!w.longRunning()) {
                assertThat(w.published()).as(w.where() + " is a one-shot command and publishes nothing").isEmpty();
                continue;
            }
            Set<Port> listening = listening(w.program(), config);
            if (!w.published().equals(listening)) {
                problems.add(w.where() + ": publishes " + new TreeSet<>(w.published()) + " but " + w.program()
                        + " listens on " + new TreeSet<>(listening));
            }
            for (Probe p : w.probes()) {
                if (p.port() != httpPort(w.program(), config)) {
                    problems.add(w.where() + ": health check on port " + p.port() + ", not " + w.program()
                            + "'s HTTP port " + httpPort(w.program(), config));
                }
            }
            if (w.probes().isEmpty()) {
                problems.add(w.where() + ": no health check");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void kubernetes_manager_is_ready_on_ready_and_services_forward_to_declared_container_ports() throws IOException {
        Workload manager = kubernetes.stream().filter(w -> w.program().equals("manager")).findFirst().orElseThrow();
        assertThat(manager.probes()).contains(new Probe(5000, "/ready"));
        // Services: every port's target is a named container port of the pods it selects, same number and protocol.
        Map<String, Map<String, Port>> namedPorts = new LinkedHashMap<>();
        List<Map<String, Object>> services = new ArrayList<>();
        for (Map<String, Object> doc : kubernetesDocs(ROOT.resolve("packaging/kubernetes"))) {
            if ("Service".equals(doc.get("kind"))) {
                services.add(doc);
            } else if (podSpec(doc) != null) {
                String component = label(map(map(map(doc.get("spec")).get("template")).get("metadata")));
                for (Map<String, Object> c : maps(podSpec(doc).get("containers"))) {
                    for (Map<String, Object> p : maps(c.get("ports"))) {
                        namedPorts.computeIfAbsent(component, k -> new LinkedHashMap<>()).put((String) p.get("name"),
                                new Port((Integer) p.get("containerPort"), protocol(p.get("protocol"))));
                    }
                }
            }
        }
        assertThat(services).isNotEmpty();
        for (Map<String, Object> svc : services) {
            Map<String, Object> selector = map(map(svc.get("spec")).get("selector"));
            String component = (String) selector.get("app.kubernetes.io/component");
            Map<String, Port> ports = namedPorts.get(component);
            assertThat(ports).as("pods selected by service " + name(svc)).isNotNull();
            for (Map<String, Object> p : maps(map(svc.get("spec")).get("ports"))) {
                Port target = ports.get((String) p.get("targetPort"));
                assertThat(target).as("service " + name(svc) + " target " + p.get("targetPort")).isNotNull();
                assertThat(new Port((Integer) p.get("port"), protocol(p.get("protocol")))).isEqualTo(target);
            }
        }
    }

    @Test
    void every_health_path_answers_200_on_the_running_program(@TempDir Path dir) throws Exception {
        Map<String, Set<String>> paths = new LinkedHashMap<>();
        for (Workload w : all()) {
            w.probes().forEach(p -> paths.computeIfAbsent(w.program(), k -> new TreeSet<>()).add(p.path()));
        }
        assertThat(paths.keySet()).containsExactlyInAnyOrderElementsOf(PROGRAMS);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> problems = new ArrayList<>();

        try (TestServer ts = TestServer.start(TestServerConfig.loader().load(Map.of("bind", "127.0.0.1",
                "http_port", "0", "https_enabled", "false", "udp_echo_port", "0", "iperf3.enabled", "false",
                "data_dir", dir.resolve("ts").toString())))) {
            check(http, ts.httpPort(), "testserver", paths.get("testserver"), problems);
        }
        try (ManagerServer m = ManagerServer.start(ManagerConfig.loader().load(Map.of("bind", "127.0.0.1",
                "port", "0", "data_dir", dir.resolve("manager").toString())))) {
            check(http, m.port(), "manager", paths.get("manager"), problems);
        }
        try (Agent a = Agent.start(AgentConfig.of(Map.of("target_server", "127.0.0.1", "autoperf.enabled", "false",
                "data_dir", dir.resolve("agent").toString(), "status.bind", "127.0.0.1", "status.port", "0")))) {
            check(http, a.statusPort(), "agent", paths.get("agent"), problems);
        }
        assertThat(problems).isEmpty();
    }

    /**
     * compose.yaml builds each program's image from its target of packaging/container/Dockerfile, the Kubernetes
     * manifests run the image of that name, and each target exposes exactly the ports the program listens on by
     * default and health-checks /health on its default HTTP port.
     */
    @Test
    void each_program_runs_its_own_image_target_whose_ports_and_health_check_are_the_programs_defaults()
            throws IOException {
        Map<String, Object> doc;
        try (Reader r = Files.newBufferedReader(ROOT.resolve("compose.yaml"))) {
            doc = new Yaml().load(r);
        }
        List<String> problems = new ArrayList<>();
        for (var svc : map(doc.get("services")).entrySet()) {
            Map<String, Object> s = map(svc.getValue());
            List<String> tokens = new ArrayList<>(strings(s.get("entrypoint")));
            tokens.addAll(strings(s.get("command")));
            String program = program(tokens);
            if (program == null) {
                continue;
            }
            Map<String, Object> build = map(s.get("build"));
            if (!"packaging/container/Dockerfile".equals(build.get("dockerfile")) || !program.equals(build.get("target"))
                    || !".".equals(build.get("context"))) {
                problems.add("compose.yaml service " + svc.getKey() + " runs " + program + " but builds " + build);
            }
            if (!String.valueOf(s.get("image")).endsWith("/waddleperf-" + program + ":latest")) {
                problems.add("compose.yaml service " + svc.getKey() + " names image " + s.get("image"));
            }
        }
        for (Map<String, Object> d : kubernetesDocs(ROOT.resolve("packaging/kubernetes"))) {
            Map<String, Object> pod = podSpec(d);
            for (Map<String, Object> c : pod == null ? List.<Map<String, Object>>of() : maps(pod.get("containers"))) {
                List<String> tokens = new ArrayList<>(strings(c.get("command")));
                tokens.addAll(strings(c.get("args")));
                String expected = "waddleperf-" + program(tokens) + ":latest";
                if (!expected.equals(c.get("image"))) {
                    problems.add(d.get("_file") + " container " + c.get("name") + " runs image " + c.get("image")
                            + ", not " + expected);
                }
            }
        }

        Map<String, Set<Port>> exposed = new LinkedHashMap<>();
        Map<String, Integer> healthPort = new LinkedHashMap<>();
        String stage = null;
        Pattern from = Pattern.compile("(?i)^FROM\\s+\\S+\\s+AS\\s+(\\S+)");
        Pattern defaultPort = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/\\$\\{[A-Z0-9_]+:-(\\d+)}.*GET /health ");
        for (String line : Files.readAllLines(ROOT.resolve("packaging/container/Dockerfile"))) {
            Matcher f = from.matcher(line);
            if (f.find()) {
                stage = f.group(1);
            } else if (line.startsWith("EXPOSE ")) {
                for (String p : line.substring(7).trim().split("\\s+")) {
                    String[] parts = p.split("/");
                    exposed.computeIfAbsent(stage, k -> new LinkedHashSet<>())
                            .add(new Port(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "tcp"));
                }
            } else {
                Matcher h = defaultPort.matcher(line);
                if (h.find()) {
                    healthPort.put(stage, Integer.parseInt(h.group(1)));
                }
            }
        }
        for (String program : PROGRAMS) {
            // Defaults, plus the one setting the agent cannot do without.
            Object defaults = loader(program).load(null, program.equals("agent")
                    ? Map.of("WADDLEPERF_AGENT_TARGET_SERVER", "testserver") : Map.of(), Map.of());
            assertThat(exposed.get(program)).as("Dockerfile target " + program + " EXPOSE")
                    .containsExactlyInAnyOrderElementsOf(listening(program, defaults));
            assertThat(healthPort.get(program)).as("Dockerfile target " + program + " HEALTHCHECK default port")
                    .isEqualTo(httpPort(program, defaults));
        }
        assertThat(problems).isEmpty();
    }

    private static void check(HttpClient http, int port, String program, Set<String> paths, List<String> problems)
            throws IOException, InterruptedException {
        for (String path : paths) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                problems.add(program + " answers " + r.statusCode() + " on " + path + ": " + r.body());
            }
        }
    }

    // --- what the code reads and listens on

    private static ConfigLoader<?> loader(String program) {
        return switch (program) {
            case "manager" -> ManagerConfig.loader();
            case "testserver" -> TestServerConfig.loader();
            case "agent" -> AgentConfig.loader();
            default -> throw new IllegalArgumentException(program);
        };
    }

    private static Set<String> knownVariables(String program) {
        Set<String> names = new TreeSet<>();
        ConfigLoader<?> loader = loader(program);
        loader.keys().forEach(k -> names.add(k.envVariable()));
        names.addAll(loader.envAliases().keySet());
        switch (program) {
            case "agent" -> names.add(AgentConfig.ENV_PREFIX + "_CONFIG"); // the config file, read by the command
            case "manager" -> names.add(CreateAdminCommand.PASSWORD_ENV); // the first admin's password
            default -> { }
        }
        return names;
    }

    /** The workload's configuration as the program would load it; secret files stand in as temporary files. */
    private static Object load(Workload w) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (var e : w.env().entrySet()) {
            String value = e.getValue();
            if (e.getKey().endsWith("_FILE")) {
                Path f = Files.createTempFile(tmp, "secret", ".txt");
                Files.writeString(f, OUTSIDE_VALUE + "\n");
                value = f.toString();
            }
            env.put(e.getKey(), value);
        }
        return loader(w.program()).load(null, env, Map.of());
    }

    private static Set<Port> listening(String program, Object config) {
        Set<Port> ports = new LinkedHashSet<>();
        switch (config) {
            case ManagerConfig m -> {
                ports.add(new Port(m.port(), "tcp"));
                if (m.httpsEnabled()) {
                    ports.add(new Port(m.httpsPort(), "tcp"));
                }
            }
            case TestServerConfig t -> {
                ports.add(new Port(t.httpPort(), "tcp"));
                if (t.httpsEnabled()) {
                    ports.add(new Port(t.httpsPort(), "tcp"));
                }
                ports.add(new Port(t.udpEchoPort(), "udp"));
                if (t.iperf3().enabled()) {
                    ports.add(new Port(t.iperf3().port(), "tcp"));
                    ports.add(new Port(t.iperf3().port(), "udp"));
                }
                if (t.dns().enabled()) {
                    ports.add(new Port(t.dns().port(), "tcp"));
                    ports.add(new Port(t.dns().port(), "udp"));
                }
            }
            case AgentConfig a -> {
                if (a.status().enabled()) {
                    ports.add(new Port(a.status().port(), "tcp"));
                }
            }
            default -> throw new IllegalArgumentException(program);
        }
        return ports;
    }

    private static int httpPort(String program, Object config) {
        return switch (config) {
            case ManagerConfig m -> m.port();
            case TestServerConfig t -> t.httpPort();
            case AgentConfig a -> a.status().port();
            default -> throw new IllegalArgumentException(program);
        };
    }

    // --- compose.yaml

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?([-?])([^}]*))?}");
    private static final Pattern DEV_TCP = Pattern.compile("/dev/tcp/[^/]+/(\\d+)");
    private static final Pattern GET = Pattern.compile("GET (/\\S*) HTTP");

    private static void parseCompose(Path file) throws IOException {
        Map<String, Object> doc;
        try (Reader r = Files.newBufferedReader(file)) {
            doc = new Yaml().load(r);
        }
        for (var svc : map(doc.get("services")).entrySet()) {
            Map<String, Object> s = map(svc.getValue());
            String where = "compose.yaml service " + svc.getKey();
            List<String> tokens = new ArrayList<>();
            tokens.addAll(strings(s.get("entrypoint")));
            tokens.addAll(strings(s.get("command")));
            String program = program(tokens);
            Map<String, String> env = new LinkedHashMap<>();
            map(s.get("environment")).forEach((k, v) -> env.put(k, interpolate(String.valueOf(v))));
            if (program == null) {
                env.keySet().forEach(n -> composeOthers.add(where + " " + n));
                continue;
            }
            Set<Port> published = new LinkedHashSet<>();
            for (String p : strings(s.get("ports"))) {
                String container = p.substring(p.lastIndexOf(':') + 1);
                String[] parts = container.split("/");
                published.add(new Port(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "tcp"));
            }
            List<Probe> probes = new ArrayList<>();
            if (s.get("healthcheck") != null) {
                String test = String.join(" ", strings(map(s.get("healthcheck")).get("test")));
                Matcher port = DEV_TCP.matcher(test);
                Matcher path = GET.matcher(test);
                assertThat(port.find() && path.find()).as(where + " health check names a port and a path: " + test)
                        .isTrue();
                probes.add(new Probe(Integer.parseInt(port.group(1)), path.group(1)));
            }
            boolean longRunning = tokens.stream().noneMatch(t -> t.matches("(?s).*\\bcreate-admin\\b.*"));
            compose.add(new Workload(where, program, longRunning, env, published, probes));
        }
    }

    /** Compose's `${VAR:-default}` gives the default, `${VAR:?message}` a value from outside; `$$` is a `$`. */
    private static String interpolate(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = "?".equals(m.group(2)) ? OUTSIDE_VALUE : m.group(3) == null ? "" : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString().replace("$$", "$");
    }

    /** The WaddlePerf program a command line runs: the word after the jar or launcher, or null for none. */
    private static String program(List<String> tokens) {
        List<String> words = tokens.stream().flatMap(t -> Stream.of(t.trim().split("\\s+"))).toList();
        for (int i = 0; i + 1 < words.size(); i++) {
            String w = words.get(i);
            if ((w.endsWith("waddleperf.jar") || w.endsWith("/waddleperf")) && PROGRAMS.contains(words.get(i + 1))) {
                return words.get(i + 1);
            }
        }
        return null;
    }

    // --- Kubernetes

    private static List<Map<String, Object>> kubernetesDocs(Path dir) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader r = Files.newBufferedReader(f)) {
                    for (Object d : new Yaml().loadAll(r)) {
                        if (d != null) {
                            Map<String, Object> m = map(d);
                            m.put("_file", f.getFileName().toString());
                            docs.add(m);
                        }
                    }
                }
            }
        }
        return docs;
    }

    private static List<Workload> parseKubernetes(Path dir) throws IOException {
        List<Map<String, Object>> docs = kubernetesDocs(dir);
        Map<String, Map<String, Object>> configMaps = new LinkedHashMap<>();
        docs.stream().filter(d -> "ConfigMap".equals(d.get("kind")))
                .forEach(d -> configMaps.put(name(d), map(d.get("data"))));
        List<Workload> out = new ArrayList<>();
        for (Map<String, Object> doc : docs) {
            Map<String, Object> pod = podSpec(doc);
            if (pod == null) {
                continue;
            }
            for (Map<String, Object> c : maps(pod.get("containers"))) {
                String where = doc.get("_file") + " " + doc.get("kind") + " " + name(doc) + " container "
                        + c.get("name");
                List<String> tokens = new ArrayList<>(strings(c.get("command")));
                tokens.addAll(strings(c.get("args")));
                String program = program(tokens);
                assertThat(program).as(where + " runs a WaddlePerf program").isNotNull();
                Map<String, String> env = new LinkedHashMap<>();
                for (Map<String, Object> from : maps(c.get("envFrom"))) {
                    String cm = (String) map(from.get("configMapRef")).get("name");
                    assertThat(configMaps).as(where + " ConfigMap " + cm).containsKey(cm);
                    configMaps.get(cm).forEach((k, v) -> env.put(k, String.valueOf(v)));
                }
                for (Map<String, Object> e : maps(c.get("env"))) {
                    env.put((String) e.get("name"), e.get("value") != null ? String.valueOf(e.get("value"))
                            : OUTSIDE_VALUE);
                }
                Map<String, Integer> named = new LinkedHashMap<>();
                Set<Port> published = new LinkedHashSet<>();
                for (Map<String, Object> p : maps(c.get("ports"))) {
                    int number = (Integer) p.get("containerPort");
                    named.put((String) p.get("name"), number);
                    published.add(new Port(number, protocol(p.get("protocol"))));
                }
                List<Probe> probes = new ArrayList<>();
                for (String kind : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                    if (c.get(kind) != null) {
                        Map<String, Object> get = map(map(c.get(kind)).get("httpGet"));
                        Object port = get.get("port");
                        int number = port instanceof Integer i ? i : named.getOrDefault((String) port, -1);
                        probes.add(new Probe(number, (String) get.get("path")));
                    }
                }
                out.add(new Workload(where, program, true, env, published, probes));
            }
        }
        return out;
    }

    private static Map<String, Object> podSpec(Map<String, Object> doc) {
        Object kind = doc.get("kind");
        if (!"Deployment".equals(kind) && !"DaemonSet".equals(kind) && !"StatefulSet".equals(kind)) {
            return null;
        }
        return map(map(map(doc.get("spec")).get("template")).get("spec"));
    }

    private static String label(Map<String, Object> metadata) {
        return (String) map(metadata.get("labels")).get("app.kubernetes.io/component");
    }

    private static String name(Map<String, Object> doc) {
        return (String) map(doc.get("metadata")).get("name");
    }

    private static String protocol(Object p) {
        return p == null ? "tcp" : p.toString().toLowerCase(java.util.Locale.ROOT);
    }

    // --- plumbing

    private List<Workload> all() {
        List<Workload> all = new ArrayList<>(compose);
        all.addAll(kubernetes);
        return all;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? new LinkedHashMap<>() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }

    private static List<String> strings(Object o) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(o));
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("packaging"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no packaging folder above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
