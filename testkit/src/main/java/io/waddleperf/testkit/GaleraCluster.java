package io.waddleperf.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real MariaDB Galera cluster on loopback for tests: {@code n} {@code mariadbd} nodes with the galera-4 provider,
 * each with its own data folder, socket and four loopback ports (SQL, group communication, incremental state transfer,
 * rsync state transfer) under one temporary folder. The first node bootstraps the cluster
 * ({@code --wsrep-new-cluster}), the others join it and receive its data by rsync; {@link #start} returns when every
 * node reports {@code wsrep_cluster_size = n} and {@code Synced}, with a TCP user {@link #USER} / {@link #PASSWORD}
 * allowed everything (root is reachable on the socket only, by {@code unix_socket} authentication).
 *
 * <p>Nodes run as the {@code mysql} user when the test runs as root: the rsync state transfer then runs its daemon as
 * {@code nobody}, which cannot write a root-owned data folder. Every process is killed on {@link #close} (and by a
 * shutdown hook should the JVM end first), including state-transfer helpers a node started.
 *
 * <p>Fault helpers: {@link Node#kill()} ({@code kill -9}), {@link Node#stop()} (clean shutdown), {@link Node#start()}
 * (join the running cluster), {@link #stopAll()} and {@link #bootstrapFromMostAdvanced()} (the whole-cluster restart
 * an operator does, choosing the node by {@code grastate.dat}).
 */
public final class GaleraCluster implements AutoCloseable {

    /** The TCP test user, allowed everything. */
    public static final String USER = "wp_test";
    /** Its password. */
    public static final String PASSWORD = "wp-test-password";
    /** Where Debian's galera-4 package puts the provider. */
    public static final Path PROVIDER = Path.of("/usr/lib/galera/libgalera_smm.so");

    /**
     * Generous on purpose: a node that rejoins after a crash replays the writes it missed before it is synced, and
     * on a loaded 2-core host that was once seen to take a few seconds over 120 s; a wait that ends early costs
     * nothing when the node is up sooner.
     */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static final Pattern GRASTATE_SEQNO = Pattern.compile("(?m)^seqno:\\s*(-?\\d+)");
    private static final Pattern GRASTATE_SAFE = Pattern.compile("(?m)^safe_to_bootstrap:\\s*(\\d)");
    private static final Pattern RECOVERED = Pattern.compile("WSREP: Recovered position: [0-9a-f-]+:(-?\\d+)");

    private final Path dir;
    private final String name;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread hook;
    private final boolean asMysql;

    private GaleraCluster(Path dir, int size) throws IOException {
        this.dir = dir;
        this.name = "wp_" + UUID.randomUUID().toString().substring(0, 8);
        this.asMysql = Requirements.isRoot();
        List<Integer> gcommPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(new Node(i + 1, freePort(), freePort(), freePort(), freePort()));
            gcommPorts.add(nodes.get(i).gcommPort);
        }
        String address = "gcomm://" + gcommPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        for (Node n : nodes) {
            n.writeConfig(address);
        }
        hook = new Thread(this::killAll, "galera-cluster-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * What this machine lacks to run a cluster, or empty: mariadbd, the installer, the client, the galera-4 provider,
     * rsync (the state transfer), and as root the {@code mysql} user to run the nodes as.
     */
    public static Optional<String> missing() {
        List<String> missing = new ArrayList<>();
        for (String[] c : new String[][] {{"mariadbd", "mariadb-server"}, {"mariadb-install-db", "mariadb-server"},
                {"mariadb", "mariadb-client"}, {"rsync", "rsync"}, {"wsrep_sst_rsync", "mariadb-server"}}) {
            if (Requirements.command(c[0]).isEmpty()) {
                missing.add(c[0] + " is not installed (apt-get install " + c[1] + ")");
            }
        }
        if (!Files.isRegularFile(PROVIDER)) {
            missing.add("the Galera provider " + PROVIDER + " is missing (apt-get install galera-4)");
        }
        if (Requirements.isRoot() && !mysqlUserExists()) {
            missing.add("there is no mysql user to run the nodes as (it comes with mariadb-server)");
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", missing));
    }

    /**
     * Starts a cluster of {@code size} nodes in a new folder under {@code parent} and waits until it is synced;
     * skips the test (fails under {@code CI=true}) when the machine cannot run one.
     */
    public static GaleraCluster start(Path parent, int size) throws IOException, InterruptedException {
        Optional<String> missing = missing();
        Requirements.require(missing.isEmpty(), "a Galera cluster cannot run here: " + missing.orElse(""));
        // Two tries, each in a new folder on new ports: in one CI run (load 12) the installer of a second cluster in the
        // same JVM failed once; the first failure is printed with the node's error log, the second one thrown.
        for (int attempt = 1; ; attempt++) {
            Path dir = Files.createTempDirectory(parent, "galera-");
            GaleraCluster c = new GaleraCluster(dir, size);
            try {
                c.bootstrap();
                return c;
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                c.close();
                if (attempt >= 2 || e instanceof InterruptedException) {
                    throw e;
                }
                System.out.println("galera: cluster start failed, trying once more in a new folder: " + e.getMessage());
            }
        }
    }

    private void bootstrap() throws IOException, InterruptedException {
        Node first = nodes.getFirst();
        first.installSystemTables();
        first.launch(true);
        first.awaitReady(START_TIMEOUT);
        // accounts made on the first node before the others join reach them with the state transfer; the anonymous
        // users the installer may make would shadow a TCP login from 127.0.0.1
        first.sql("DROP USER IF EXISTS ''@'localhost', ''@'" + InetAddress.getLocalHost().getHostName() + "';"
                + "CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "';"
                + "CREATE USER '" + USER + "'@'localhost' IDENTIFIED BY '" + PASSWORD + "';"
                + "GRANT ALL ON *.* TO '" + USER + "'@'127.0.0.1' WITH GRANT OPTION;"
                + "GRANT ALL ON *.* TO '" + USER + "'@'localhost' WITH GRANT OPTION;");
        // one joiner at a time: the first node is the donor of each full transfer
        for (Node n : nodes.subList(1, nodes.size())) {
            n.launch(false);
            n.awaitReady(START_TIMEOUT);
        }
        awaitSynced(nodes.size(), START_TIMEOUT);
    }

    /** The nodes, first (the bootstrap node) first. */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** Node {@code i}, counted from 1. */
    public Node node(int i) {
        return nodes.get(i - 1);
    }

    /** The cluster's name ({@code wsrep_cluster_name}). */
    public String name() {
        return name;
    }

    /** The folder holding every node's data, configuration and log. */
    public Path dir() {
        return dir;
    }

    /**
     * A Connector/J URL over every node in order: {@code jdbc:mariadb:sequential://127.0.0.1:p1,…/database}. The driver
     * connects to the first node that answers, so all clients write through one node while it lives.
     */
    public String sequentialUrl(String database) {
        return "jdbc:mariadb:sequential://" + nodes.stream().map(n -> "127.0.0.1:" + n.port)
                .collect(Collectors.joining(",")) + "/" + database;
    }

    /** Creates a database (replicated to every node). */
    public void createDatabase(String database) throws IOException, InterruptedException {
        anyRunning().sql("CREATE DATABASE IF NOT EXISTS " + database + " CHARACTER SET utf8mb4");
    }

    /** Waits until every running node reports a primary component of {@code size} nodes and is synced. */
    public void awaitSynced(int size, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (true) {
            boolean all = true;
            StringBuilder seen = new StringBuilder();
            for (Node n : nodes) {
                if (!n.isRunning()) {
                    continue;
                }
                Map<String, String> s;
                try {
                    s = n.status();
                } catch (IOException e) {
                    all = false;
                    seen.append(n).append(": ").append(e.getMessage()).append("; ");
                    continue;
                }
                seen.append(n).append(": size ").append(s.get("wsrep_cluster_size")).append(", ")
                        .append(s.get("wsrep_local_state_comment")).append("; ");
                all &= String.valueOf(size).equals(s.get("wsrep_cluster_size"))
                        && "Synced".equals(s.get("wsrep_local_state_comment"))
                        && "Primary".equals(s.get("wsrep_cluster_status"));
            }
            last = seen.toString();
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("cluster not synced at " + size + " nodes within " + timeout + ": " + last
                        + logTails());
            }
            Thread.sleep(200);
        }
    }

    /** Stops every node cleanly, one after the other (the last one stopped is the one safe to bootstrap from). */
    public void stopAll() throws IOException, InterruptedException {
        for (Node n : nodes) {
            if (n.isRunning()) {
                n.stop();
            }
        }
    }

    /**
     * Restarts a stopped cluster as an operator would: the node whose {@code grastate.dat} says
     * {@code safe_to_bootstrap: 1}, or else the one with the highest committed seqno (recovered from its storage
     * with {@code --wsrep-recover} when the file says -1 after a crash), bootstraps a new primary component; the others
     * join it. Returns the node chosen.
     */
    public Node bootstrapFromMostAdvanced() throws IOException, InterruptedException {
        for (Node n : nodes) {
            if (n.isRunning()) {
                throw new IllegalStateException(n + " is still running; stop the cluster first");
            }
        }
        Node chosen = null;
        for (Node n : nodes) {
            if (n.grastate().safeToBootstrap()) {
                chosen = n;
                break;
            }
        }
        if (chosen == null) {
            chosen = mostAdvanced();
        }
        if (chosen == null) {
            throw new IllegalStateException("no node to bootstrap from");
        }
        chosen.markSafeToBootstrap();
        chosen.launch(true);
        chosen.awaitReady(START_TIMEOUT);
        for (Node n : nodes) {
            if (n != chosen) {
                n.launch(false);
                n.awaitReady(START_TIMEOUT);
            }
        }
        awaitSynced(nodes.size(), START_TIMEOUT);
        return chosen;
    }

    /**
     * The node with the highest committed seqno: {@code grastate.dat}'s, or when that says -1 (a crash) the one each
     * node's storage gives with {@code --wsrep-recover}. The recoveries run at the same time, one process per node on
     * its own data folder, as an operator runs them on separate machines, instead of adding up one after the other.
     */
    private Node mostAdvanced() throws IOException, InterruptedException {
        Map<Node, Thread> recovering = new LinkedHashMap<>();
        Map<Node, Object> recovered = new ConcurrentHashMap<>();
        for (Node n : nodes) {
            GraState g = n.grastate();
            if (g.seqno() >= 0) {
                recovered.put(n, g.seqno());
                continue;
            }
            Thread t = Thread.ofPlatform().name("galera-recover-" + n.index).start(() -> {
                try {
                    recovered.put(n, n.recoverSeqno());
                } catch (IOException | InterruptedException | RuntimeException e) {
                    recovered.put(n, e);
                }
            });
            recovering.put(n, t);
        }
        for (Thread t : recovering.values()) {
            t.join();
        }
        Node chosen = null;
        long best = Long.MIN_VALUE;
        for (Node n : nodes) {
            Object r = recovered.get(n);
            switch (r) {
                case IOException e -> throw new IOException(n + ": " + e.getMessage(), e);
                case InterruptedException e -> throw e;
                case RuntimeException e -> throw e;
                case Long seqno -> {
                    if (seqno > best) {
                        best = seqno;
                        chosen = n;
                    }
                }
                case null, default -> throw new IllegalStateException(n + ": no seqno recovered");
            }
        }
        return chosen;
    }

    /** A running node, to run statements on. */
    public Node anyRunning() {
        return nodes.stream().filter(Node::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of the cluster is running"));
    }

    /** The last lines of every node's error log, for failure messages. */
    public String logTails() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append("\n--- ").append(n).append(" error log (last lines) ---\n").append(n.logTail(15));
        }
        return sb.toString();
    }

    /** Kills every node and whatever it started, then deletes the folder. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs anyway
        }
        deleteTree(dir);
    }

    private void killAll() {
        for (Node n : nodes) {
            n.killQuietly();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a socket or file a dying process still held; the temp folder's owner cleans up later
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // as above
        }
    }

    private static boolean mysqlUserExists() {
        try {
            UserPrincipalLookupService users = Path.of("/").getFileSystem().getUserPrincipalLookupService();
            users.lookupPrincipalByName("mysql");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(command.getFirst() + " exited with " + p.exitValue() + ": " + text.strip());
        }
        return text;
    }

    /**
     * What a node's {@code grastate.dat} says.
     *
     * @param seqno           last committed seqno, -1 when the node did not stop cleanly
     * @param safeToBootstrap whether this node was the last to leave the cluster
     */
    public record GraState(long seqno, boolean safeToBootstrap) {
    }

    /** One node of the cluster. */
    public final class Node {

        private final int index;
        private final int port;
        private final int gcommPort;
        private final int istPort;
        private final int sstPort;
        private final Path home;
        private final Path data;
        private final Path socket;
        private final Path config;
        private final Path log;
        private volatile Process process;

        private Node(int index, int port, int gcommPort, int istPort, int sstPort) throws IOException {
            this.index = index;
            this.port = port;
            this.gcommPort = gcommPort;
            this.istPort = istPort;
            this.sstPort = sstPort;
            this.home = Files.createDirectories(dir.resolve("node" + index));
            this.data = Files.createDirectories(home.resolve("data"));
            this.socket = home.resolve("mysqld.sock");
            this.config = home.resolve("my.cnf");
            this.log = home.resolve("error.log");
        }

        private void writeConfig(String clusterAddress) throws IOException {
            String cnf = String.join("\n",
                    "[mariadbd]",
                    "datadir=" + data,
                    "socket=" + socket,
                    "pid-file=" + home.resolve("mariadbd.pid"),
                    "log-error=" + log,
                    "port=" + port,
                    "bind-address=127.0.0.1",
                    "skip-name-resolve",
                    // small memory: three nodes share a test machine
                    "innodb_buffer_pool_size=64M",
                    "innodb_log_file_size=32M",
                    "performance_schema=OFF",
                    "max_connections=200",
                    // what Galera needs: row events, interleaved auto-increment locks, InnoDB
                    "binlog_format=ROW",
                    "default_storage_engine=InnoDB",
                    "innodb_autoinc_lock_mode=2",
                    "wsrep_on=ON",
                    "wsrep_provider=" + PROVIDER,
                    "wsrep_cluster_name=" + name,
                    "wsrep_cluster_address=" + clusterAddress,
                    "wsrep_node_name=node" + index,
                    "wsrep_node_address=127.0.0.1:" + gcommPort,
                    "wsrep_node_incoming_address=127.0.0.1:" + port,
                    "wsrep_provider_options=\"gmcast.listen_addr=tcp://127.0.0.1:" + gcommPort + ";ist.recv_addr=127.0.0.1:"
                            + istPort + ";gcache.size=256M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;"
                            + "evs.install_timeout=PT6S\"",
                    "wsrep_sst_method=rsync",
                    "wsrep_sst_receive_address=127.0.0.1:" + sstPort,
                    "wsrep_slave_threads=2",
                    "");
            Files.writeString(config, cnf);
            if (asMysql) {
                chownTree(dir, "mysql");
            }
        }

        private void installSystemTables() throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(Requirements.command("mariadb-install-db").orElseThrow().toString(),
                    "--defaults-file=" + config, "--skip-test-db", "--auth-root-authentication-method=socket"));
            if (asMysql) {
                cmd.add("--user=mysql");
            }
            try {
                run(cmd, Duration.ofSeconds(120));
            } catch (IOException e) {
                // the installer says only "failed"; its reason is in the node's error log
                Path log = home.resolve("error.log");
                List<String> lines = Files.isReadable(log) ? Files.readAllLines(log) : List.of();
                throw new IOException(e.getMessage() + "\n" + log + " ends with:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())), e);
            }
        }

        private void launch(boolean newCluster) throws IOException {
            if (isRunning()) {
                throw new IllegalStateException(this + " is already running");
            }
            if (asMysql) {
                chownTree(home, "mysql");
            }
            List<String> cmd = new ArrayList<>(List.of(Requirements.command("mariadbd").orElseThrow().toString(),
                    "--defaults-file=" + config));
            if (asMysql) {
                cmd.add("--user=mysql");
            }
            if (newCluster) {
                cmd.add("--wsrep-new-cluster");
            }
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("stdout.log").toFile())).start();
        }

        /** Joins the running cluster again (after {@link #kill()} or {@link #stop()}) and waits until synced. */
        public void start() throws IOException, InterruptedException {
            launch(false);
            awaitReady(START_TIMEOUT);
        }

        /** {@code kill -9} of this node and everything it started (a state transfer in flight). */
        public void kill() throws InterruptedException {
            Process p = process;
            if (p == null) {
                return;
            }
            List<ProcessHandle> children = p.descendants().toList();
            p.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            p.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }

        /** A clean shutdown (SIGTERM), waiting until the process ended. */
        public void stop() throws IOException, InterruptedException {
            Process p = process;
            if (p == null) {
                return;
            }
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException(this + " did not stop within 60 s: " + logTail(10));
            }
            process = null;
        }

        private void killQuietly() {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Whether this node's process runs. */
        public boolean isRunning() {
            Process p = process;
            return p != null && p.isAlive();
        }

        /** The SQL port on 127.0.0.1. */
        public int port() {
            return port;
        }

        /** A Connector/J URL of this node alone. */
        public String url(String database) {
            return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
        }

        /** This node's data folder. */
        public Path dataDir() {
            return data;
        }

        /** Runs statements as root over the socket; returns the rows, tab-separated, without headers. */
        public String sql(String statements) throws IOException, InterruptedException {
            return run(List.of(Requirements.command("mariadb").orElseThrow().toString(), "--no-defaults", "-uroot",
                    "--socket=" + socket, "--batch", "--skip-column-names", "--connect-timeout=5", "-e", statements),
                    Duration.ofSeconds(60));
        }

        /** Every {@code wsrep_*} status variable, names in lower case. */
        public Map<String, String> status() throws IOException, InterruptedException {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : sql("SHOW GLOBAL STATUS LIKE 'wsrep%'").split("\n")) {
                String[] f = line.split("\t", 2);
                if (f.length == 2) {
                    m.put(f[0].toLowerCase(Locale.ROOT), f[1].strip());
                }
            }
            return m;
        }

        /** What {@code grastate.dat} says now. */
        public GraState grastate() throws IOException {
            String text = Files.readString(data.resolve("grastate.dat"));
            Matcher seqno = GRASTATE_SEQNO.matcher(text);
            Matcher safe = GRASTATE_SAFE.matcher(text);
            return new GraState(seqno.find() ? Long.parseLong(seqno.group(1)) : -1, safe.find() && safe.group(1).equals("1"));
        }

        /** The last {@code lines} lines of the node's error log. */
        public String logTail(int lines) {
            try {
                if (!Files.exists(log)) {
                    return "(no log)";
                }
                List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(log unreadable: " + e.getMessage() + ")";
            }
        }

        /** The whole error log (to tell an incremental state transfer from a full one). */
        public String log() throws IOException {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        }

        /** Where the error log ends now: pass it to {@link #logSince(long)} to read only what a step wrote. */
        public long logMark() throws IOException {
            return Files.exists(log) ? Files.size(log) : 0;
        }

        /**
         * The error log from {@code mark} on ({@link #logMark()}): what the node wrote since, not what an earlier test
         * of a shared cluster left in it.
         */
        public String logSince(long mark) throws IOException {
            if (!Files.exists(log)) {
                return "";
            }
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(Math.max(0, mark), all.length);
            return new String(all, from, all.length - from, StandardCharsets.ISO_8859_1);
        }

        private void awaitReady(Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (!isRunning()) {
                    throw new IOException(this + " exited while starting: " + logTail(30));
                }
                try {
                    Map<String, String> s = status();
                    if ("ON".equals(s.get("wsrep_ready")) && "Synced".equals(s.get("wsrep_local_state_comment"))) {
                        return;
                    }
                } catch (IOException e) {
                    // not accepting connections yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(this + " not synced within " + timeout + ": " + logTail(30));
                }
                Thread.sleep(200);
            }
        }

        private long recoverSeqno() throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(Requirements.command("mariadbd").orElseThrow().toString(),
                    "--defaults-file=" + config, "--wsrep-recover", "--log-error=" + home.resolve("recover.log")));
            if (asMysql) {
                cmd.add("--user=mysql");
            }
            run(cmd, Duration.ofSeconds(120));
            Matcher m = RECOVERED.matcher(Files.readString(home.resolve("recover.log"), StandardCharsets.ISO_8859_1));
            long seqno = -1;
            while (m.find()) {
                seqno = Long.parseLong(m.group(1));
            }
            return seqno;
        }

        private void markSafeToBootstrap() throws IOException {
            Path g = data.resolve("grastate.dat");
            Files.writeString(g, Files.readString(g).replaceAll("(?m)^safe_to_bootstrap:\\s*\\d", "safe_to_bootstrap: 1"));
        }

        @Override
        public String toString() {
            return "node" + index + " (127.0.0.1:" + port + ")";
        }
    }

    private static void chownTree(Path root, String user) throws IOException {
        var owner = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        var group = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(user);
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                Files.setOwner(p, owner);
                Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(group);
            }
        }
        // the folders above must let the nodes reach their own
        for (Path p = root; p != null && !p.equals(Path.of("/tmp")) && !p.equals(Path.of("/")); p = p.getParent()) {
            var perms = Files.getPosixFilePermissions(p);
            perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
    }
}
