package io.waddleperf.testkit.lab;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A built chain of network namespaces — client, routers r1 … rN, server — joined by veth links, and the ground truth
 * about it (hop addresses, per-link MTU, rate and loss) for tests to assert against. Closing it deletes every
 * namespace; it is also deleted by a JVM shutdown hook, and namespaces left by crashed runs are removed the next time
 * a lab is built.
 *
 * <p>Namespaces are named {@code wpl-<id>-<pid>-<node>}; {@code <id>} is 6 random hex digits, {@code <pid>} the
 * owning JVM's, so concurrent labs never collide and stale ones are recognised by their dead owner.
 */
public final class Lab implements AutoCloseable {

    /** The prefix of every namespace a Java-built lab creates. */
    public static final String NAMESPACE_PREFIX = "wpl-";

    private final String id;
    private final List<LabNode> nodes;
    private final List<Link> links;
    private final Set<Integer> fragNeededSuppressed;
    private final boolean ipv6;
    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private Lab(String id, List<LabNode> nodes, List<Link> links, Set<Integer> fragNeededSuppressed, boolean ipv6) {
        this.id = id;
        this.nodes = List.copyOf(nodes);
        this.links = List.copyOf(links);
        this.fragNeededSuppressed = Set.copyOf(fragNeededSuppressed);
        this.ipv6 = ipv6;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The 6 hex digits that make this lab's names and address ranges unique. */
    public String id() {
        return id;
    }

    public LabNode client() {
        return nodes.getFirst();
    }

    public LabNode server() {
        return nodes.getLast();
    }

    /** Router {@code r<number>}, counted from 1 at the client side. */
    public LabNode router(int number) {
        if (number < 1 || number > routerCount()) {
            throw new IllegalArgumentException("router number must be 1.." + routerCount() + ", was " + number);
        }
        return nodes.get(number);
    }

    public int routerCount() {
        return nodes.size() - 2;
    }

    /** Every node from the client to the server, in chain order. */
    public List<LabNode> nodes() {
        return nodes;
    }

    /** Every link from the client side ({@code link(0)}: client–r1) to the server side. */
    public List<Link> links() {
        return links;
    }

    /** Link {@code index}, joining node {@code index} and node {@code index + 1} (client is node 0). */
    public Link link(int index) {
        return links.get(index);
    }

    /** Whether routers drop their own ICMP frag-needed / packet-too-big messages (a PMTU black hole). */
    public boolean suppressesFragNeeded(int router) {
        return fragNeededSuppressed.contains(router);
    }

    /** Whether IPv6 addresses and routes were configured. */
    public boolean ipv6() {
        return ipv6;
    }

    /**
     * The IPv4 hops a traceroute from the client sees, in order: each router's client-side address, then the
     * server. Routers here answer from the interface the probe came in on.
     */
    public List<Inet4Address> hopsV4() {
        return links.stream().map(Link::rightV4).toList();
    }

    /** The IPv6 counterpart of {@link #hopsV4()}. */
    public List<Inet6Address> hopsV6() {
        requireIpv6();
        return links.stream().map(Link::rightV6).toList();
    }

    /** The smallest MTU on the path, which path-MTU discovery from the client must find. */
    public int pathMtuBytes() {
        return links.stream().mapToInt(l -> l.config().mtuBytes()).min().orElseThrow();
    }

    /**
     * How many packets the lab's random-drop rules have dropped so far, summed over every node: the ground truth a loss
     * measurement can be compared with exactly (read before and after, the difference is what that measurement's
     * traffic lost, provided nothing else crossed the lossy links meanwhile). Read from the rules' nft counters.
     */
    public long randomDrops() {
        long total = 0;
        for (int p = 0; p < nodes.size(); p++) {
            if (!LabTopology.dropsRandomly(this, p)) {
                continue;
            }
            LabNode node = nodes.get(p);
            ExecResult listing = node.exec("nft", "list", "chain", "inet", LabTopology.NFT_TABLE,
                    LabTopology.RANDOM_DROP_CHAIN);
            if (!listing.succeeded()) {
                throw new LabException("reading the drop counters of " + node + ": " + listing);
            }
            Matcher counter = DROP_COUNTER.matcher(listing.output());
            while (counter.find()) {
                total += Long.parseLong(counter.group(1));
            }
        }
        return total;
    }

    /** Packets dropped so far by the queueing disciplines (tbf) of every node: what rate-limited links lost. */
    public long qdiscDrops() {
        return nodes.stream().mapToLong(LabNode::qdiscDrops).sum();
    }

    /** The counter of a random-drop rule as {@code nft list} prints it. */
    private static final Pattern DROP_COUNTER = Pattern.compile("numgen random mod 1000 < \\d+ counter packets (\\d+) ");

    /**
     * Starts a UDP delay relay listening on {@code listen} inside {@code node} and forwarding to {@code target},
     * adding {@code delayEachWay} in each direction; it is closed with the lab.
     */
    public UdpDelayRelay udpDelayRelay(LabNode node, InetSocketAddress listen, InetSocketAddress target,
                                       Duration delayEachWay) {
        return register(UdpDelayRelay.start(node, listen, target, delayEachWay));
    }

    /** The TCP counterpart of {@link #udpDelayRelay}; it is closed with the lab. */
    public TcpDelayRelay tcpDelayRelay(LabNode node, InetSocketAddress listen, InetSocketAddress target,
                                       Duration delayEachWay) {
        return register(TcpDelayRelay.start(node, listen, target, delayEachWay));
    }

    /** Closes {@code resource} before the namespaces are deleted when this lab closes. */
    public <T extends AutoCloseable> T register(T resource) {
        resources.add(resource);
        return resource;
    }

    /**
     * Closes registered resources and deletes every namespace of this lab (which destroys its veth links, qdiscs and
     * nft tables). Safe to call more than once; throws if a namespace could not be deleted.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("[lab " + id + "] closing " + resource + ": " + e);
            }
        }
        LabSupport.forget(this);
        List<String> failures = new ArrayList<>();
        for (LabNode node : nodes) {
            ExecResult result = Commands.exec(List.of("ip", "netns", "delete", node.namespace()), null,
                    Commands.DEFAULT_TIMEOUT);
            if (!result.succeeded() && LabSupport.namespaceExists(node.namespace())) {
                failures.add(result.toString());
            }
        }
        if (!failures.isEmpty()) {
            throw new LabException("lab " + id + " teardown left namespaces behind: " + failures);
        }
    }

    private void requireIpv6() {
        if (!ipv6) {
            throw new IllegalStateException("this lab was built with ipv6(false)");
        }
    }

    /** Extra set-up run on a built lab before {@link Builder#build()} returns; a failure tears the lab down. */
    @FunctionalInterface
    public interface SetupStep {
        void apply(Lab lab) throws Exception;
    }

    /** Describes a lab to build; every setting has a working default (3 routers, plain 1500-byte links, IPv6 on). */
    public static final class Builder {

        private int routers = 3;
        private boolean ipv6 = true;
        private final Map<Integer, LinkConfig> linkConfigs = new HashMap<>();
        private final Set<Integer> fragNeededSuppressed = new TreeSet<>();
        private final List<SetupStep> setupSteps = new ArrayList<>();

        private Builder() {
        }

        /** The number of routers between client and server, 0 (client and server share a link) or more. */
        public Builder routers(int count) {
            if (count < 0 || count > AddressPlan.MAX_LINKS - 1) {
                throw new IllegalArgumentException("routers must be 0.." + (AddressPlan.MAX_LINKS - 1) + ", was " + count);
            }
            this.routers = count;
            return this;
        }

        /** Configures link {@code index} (0 = client–r1, … , routers = rN–server). */
        public Builder link(int index, LinkConfig config) {
            if (index < 0) {
                throw new IllegalArgumentException("link index must be >= 0, was " + index);
            }
            linkConfigs.put(index, java.util.Objects.requireNonNull(config, "config"));
            return this;
        }

        /** Makes router {@code r<number>} drop the ICMP frag-needed and ICMPv6 packet-too-big messages it sends. */
        public Builder suppressFragNeeded(int router) {
            fragNeededSuppressed.add(router);
            return this;
        }

        /** Whether to configure IPv6 too (default on; needs every link MTU at least 1280, RFC 8200 section 5). */
        public Builder ipv6(boolean enabled) {
            this.ipv6 = enabled;
            return this;
        }

        /** Adds a step run on the built lab (extra routes, rules, peers) before {@link #build()} returns. */
        public Builder setup(SetupStep step) {
            setupSteps.add(java.util.Objects.requireNonNull(step, "step"));
            return this;
        }

        /**
         * Builds the lab: removes stale namespaces of crashed runs, then creates and configures every namespace. On
         * any failure everything created so far is deleted before the exception propagates.
         */
        public Lab build() {
            validate();
            LabSupport.removeStaleNamespaces();
            String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(1 << 24)).substring(2);
            AddressPlan plan = new AddressPlan(id);
            long pid = ProcessHandle.current().pid();
            List<String> labels = new ArrayList<>();
            labels.add("client");
            for (int r = 1; r <= routers; r++) {
                labels.add("r" + r);
            }
            labels.add("server");
            List<Link> links = new ArrayList<>();
            for (int k = 0; k <= routers; k++) {
                links.add(new Link(k, labels.get(k), labels.get(k + 1), "to-" + labels.get(k + 1), "to-" + labels.get(k),
                        plan.v4(k, false), plan.v4(k, true), plan.v6(k, false), plan.v6(k, true),
                        linkConfigs.getOrDefault(k, LinkConfig.DEFAULT)));
            }
            List<LabNode> nodes = new ArrayList<>();
            for (int p = 0; p < labels.size(); p++) {
                // A node's own address is the one facing the client; the client has only its right-hand side.
                Link facing = p == 0 ? links.getFirst() : links.get(p - 1);
                nodes.add(new LabNode(labels.get(p), NAMESPACE_PREFIX + id + "-" + pid + "-" + labels.get(p),
                        p == 0 ? facing.leftV4() : facing.rightV4(), p == 0 ? facing.leftV6() : facing.rightV6()));
            }
            Lab lab = new Lab(id, nodes, links, fragNeededSuppressed, ipv6);
            LabSupport.remember(lab);
            try {
                LabTopology.create(lab, plan);
                for (SetupStep step : setupSteps) {
                    step.apply(lab);
                }
                return lab;
            } catch (Exception | Error e) {
                try {
                    lab.close();
                } catch (RuntimeException teardown) {
                    e.addSuppressed(teardown);
                }
                if (e instanceof LabException labException) {
                    throw labException;
                }
                throw new LabException("building lab " + id + " failed: " + e, e);
            }
        }

        private void validate() {
            for (int index : linkConfigs.keySet()) {
                if (index > routers) {
                    throw new IllegalArgumentException("link " + index + " does not exist with " + routers
                            + " routers (links 0.." + routers + ")");
                }
                if (ipv6 && linkConfigs.get(index).mtuBytes() < 1280) {
                    throw new IllegalArgumentException("link " + index + " MTU " + linkConfigs.get(index).mtuBytes()
                            + " is below IPv6's minimum 1280: use ipv6(false) for such a lab");
                }
            }
            for (int router : fragNeededSuppressed) {
                if (router < 1 || router > routers) {
                    throw new IllegalArgumentException("suppressFragNeeded: router must be 1.." + routers + ", was " + router);
                }
            }
        }
    }
}
