package io.waddleperf.testkit.lab;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates a lab's namespaces and configures them with the stock tools: {@code ip} (links, addresses, routes),
 * {@code sysctl} (forwarding, ICMP rate limits), {@code tc} (tbf) and {@code nft} (random drop, frag-needed
 * suppression). Veth ends are created directly inside their namespaces, so nothing ever touches the host's.
 */
final class LabTopology {

    /** The nft table every lab namespace uses for its rules. */
    static final String NFT_TABLE = "waddle_lab";
    /** The nft chain holding the random-drop rules ({@link Lab#randomDrops()} reads their counters). */
    static final String RANDOM_DROP_CHAIN = "lab_post";
    private static final Duration LINK_UP_TIMEOUT = Duration.ofSeconds(5);

    private LabTopology() {
    }

    static void create(Lab lab, AddressPlan plan) {
        List<LabNode> nodes = lab.nodes();
        for (LabNode node : nodes) {
            Commands.check("ip", "netns", "add", node.namespace());
        }
        // Before the links exist, so every interface inherits the "default" settings (no DAD, see sysctls).
        for (int p = 0; p < nodes.size(); p++) {
            List<String> sysctl = new ArrayList<>(List.of("ip", "netns", "exec", nodes.get(p).namespace(),
                    "sysctl", "-q", "-w"));
            sysctl.addAll(sysctls(lab, p));
            Commands.check(sysctl, null);
        }
        for (Link link : lab.links()) {
            Commands.check("ip", "link", "add", link.leftInterface(), "netns", nodes.get(link.index()).namespace(),
                    "type", "veth", "peer", "name", link.rightInterface(),
                    "netns", nodes.get(link.index() + 1).namespace());
        }
        for (int p = 0; p < nodes.size(); p++) {
            LabNode node = nodes.get(p);
            Commands.check(List.of("ip", "-n", node.namespace(), "-batch", "-"), ipBatch(lab, plan, p));
            String tc = tcBatch(lab, p);
            if (!tc.isEmpty()) {
                Commands.check(List.of("tc", "-n", node.namespace(), "-batch", "-"), tc);
            }
            String nft = nftRules(lab, p);
            if (!nft.isEmpty()) {
                Commands.check(List.of("ip", "netns", "exec", node.namespace(), "nft", "-f", "-"), nft);
            }
        }
        awaitLinksUp(lab);
    }

    /**
     * Waits until every veth end is operationally up. The kernel reports carrier changes through its linkwatch work,
     * up to a second late, and IPv6 does not use a link before then; a test starting at once would see no route.
     */
    private static void awaitLinksUp(Lab lab) {
        long deadline = System.nanoTime() + LINK_UP_TIMEOUT.toNanos();
        for (LabNode node : lab.nodes()) {
            while (true) {
                String links = Commands.check("ip", "-n", node.namespace(), "-o", "link", "show");
                boolean allUp = links.lines().filter(l -> l.contains(" to-")).allMatch(l -> l.contains("state UP"));
                if (allUp) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new LabException("links of " + node + " not up after " + LINK_UP_TIMEOUT + ":\n" + links);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LabException("interrupted while waiting for the links of " + node, e);
                }
            }
        }
    }

    /** The sysctl command for node {@code p}: forwarding and no ICMP error rate limiting on routers. */
    private static ArrayList<String> sysctls(Lab lab, int p) {
        ArrayList<String> command = new ArrayList<>();
        // ICMP datagram ("ping") sockets for every group, so probes can use them unprivileged inside the lab.
        command.add("net.ipv4.ping_group_range=0 2147483647");
        if (lab.ipv6()) {
            // No duplicate address detection (RFC 4862): link-local addresses would stay tentative for about a
            // second, and neighbour discovery through a router waits for them, delaying the first packets.
            command.add("net.ipv6.conf.all.accept_dad=0");
            command.add("net.ipv6.conf.default.accept_dad=0");
        } else {
            // No IPv6 at all, not even link-local: interfaces coming up would otherwise send router solicitations
            // and MLD reports across the links for seconds, traffic a test that counts packets must not see.
            command.add("net.ipv6.conf.all.disable_ipv6=1");
            command.add("net.ipv6.conf.default.disable_ipv6=1");
        }
        boolean router = p > 0 && p < lab.nodes().size() - 1;
        if (router) {
            command.add("net.ipv4.ip_forward=1");
            // Linux limits the ICMP errors a router sends (icmp_ratelimit 1000 ms per destination, and a global
            // token bucket icmp_msgs_per_sec); hop replies that vanish would look like loss to traceroute and mtr.
            command.add("net.ipv4.icmp_ratelimit=0");
            command.add("net.ipv4.icmp_msgs_per_sec=1000000");
            command.add("net.ipv4.icmp_msgs_burst=1000000");
            // Answer from the interface the probe arrived on, so hop addresses are each router's client-side one.
            command.add("net.ipv4.icmp_errors_use_inbound_ifaddr=1");
            if (lab.ipv6()) {
                command.add("net.ipv6.conf.all.forwarding=1");
                command.add("net.ipv6.icmp.ratelimit=0");
            }
        }
        return command;
    }

    /** {@code ip -batch} lines for node {@code p}: loopback, its link ends (MTU, addresses), then routes. */
    private static String ipBatch(Lab lab, AddressPlan plan, int p) {
        List<Link> links = lab.links();
        StringBuilder batch = new StringBuilder("link set dev lo up\n");
        List<End> ends = new ArrayList<>();
        if (p > 0) {
            Link left = links.get(p - 1);
            ends.add(new End(left.rightInterface(), left.rightV4(), left.rightV6(), left.config()));
        }
        if (p < links.size()) {
            Link right = links.get(p);
            ends.add(new End(right.leftInterface(), right.leftV4(), right.leftV6(), right.config()));
        }
        for (End end : ends) {
            String dev = end.dev();
            LinkConfig config = end.config();
            batch.append("link set dev ").append(dev).append(" mtu ").append(config.mtuBytes()).append('\n');
            batch.append("addr add ").append(host(end.v4())).append('/').append(Link.PREFIX_V4)
                    .append(" dev ").append(dev).append('\n');
            if (lab.ipv6()) {
                // nodad: the address is usable at once instead of after duplicate address detection (RFC 4862).
                batch.append("addr add ").append(host(end.v6())).append('/').append(Link.PREFIX_V6)
                        .append(" dev ").append(dev).append(" nodad\n");
            }
            batch.append("link set dev ").append(dev).append(" up\n");
        }
        int last = lab.nodes().size() - 1;
        if (p == 0) {
            defaultRoutes(batch, lab, links.getFirst().rightV4(), links.getFirst().rightV6());
        } else if (p == last) {
            defaultRoutes(batch, lab, links.getLast().leftV4(), links.getLast().leftV6());
        } else {
            // Routers get one static route per non-adjacent link, toward the neighbour on that side.
            for (Link link : links) {
                int k = link.index();
                if (k == p - 1 || k == p) {
                    continue;
                }
                Link via = k < p ? links.get(p - 1) : links.get(p);
                InetAddress gatewayV4 = k < p ? via.leftV4() : via.rightV4();
                InetAddress gatewayV6 = k < p ? via.leftV6() : via.rightV6();
                batch.append("route add ").append(plan.v4Subnet(k)).append(" via ").append(host(gatewayV4)).append('\n');
                if (lab.ipv6()) {
                    batch.append("route add ").append(plan.v6Subnet(k)).append(" via ").append(host(gatewayV6))
                            .append('\n');
                }
            }
        }
        return batch.toString();
    }

    private static void defaultRoutes(StringBuilder batch, Lab lab, InetAddress v4, InetAddress v6) {
        batch.append("route add default via ").append(host(v4)).append('\n');
        if (lab.ipv6()) {
            batch.append("route add ::/0 via ").append(host(v6)).append('\n');
        }
    }

    /** {@code tc -batch} lines for node {@code p}: a tbf root qdisc on each rate-limited link end. */
    private static String tcBatch(Lab lab, int p) {
        StringBuilder batch = new StringBuilder();
        for (Link link : lab.links()) {
            String dev = link.index() == p - 1 ? link.rightInterface() : link.index() == p ? link.leftInterface() : null;
            LinkConfig config = link.config();
            if (dev == null || config.rateBitsPerSecond() == 0) {
                continue;
            }
            batch.append("qdisc add dev ").append(dev).append(" root tbf rate ").append(config.rateBitsPerSecond())
                    .append("bit burst ").append(config.effectiveBurstBytes())
                    .append(" latency ").append(config.tbfLatency().toMillis()).append("ms\n");
        }
        return batch.toString();
    }

    /** Whether node {@code p} has a random-drop rule (an end of a lossy link). */
    static boolean dropsRandomly(Lab lab, int p) {
        for (Link link : lab.links()) {
            boolean end = link.index() == p - 1 || link.index() == p;
            if (end && link.config().lossPerMille() > 0) {
                return true;
            }
        }
        return false;
    }

    /** The nft ruleset for node {@code p}: random drop on lossy link ends, frag-needed suppression on routers. */
    private static String nftRules(Lab lab, int p) {
        List<String> postrouting = new ArrayList<>();
        for (Link link : lab.links()) {
            String dev = link.index() == p - 1 ? link.rightInterface() : link.index() == p ? link.leftInterface() : null;
            if (dev != null && link.config().lossPerMille() > 0) {
                postrouting.add("oifname \"" + dev + "\" numgen random mod 1000 < " + link.config().lossPerMille()
                        + " counter drop");
            }
        }
        List<String> output = new ArrayList<>();
        if (p > 0 && p < lab.nodes().size() - 1 && lab.suppressesFragNeeded(p)) {
            // RFC 1191 frag-needed and RFC 8201 packet-too-big: without them PMTU discovery sees a black hole.
            output.add("icmp type destination-unreachable icmp code frag-needed counter drop");
            output.add("icmpv6 type packet-too-big counter drop");
        }
        if (postrouting.isEmpty() && output.isEmpty()) {
            return "";
        }
        StringBuilder rules = new StringBuilder("table inet " + NFT_TABLE + " {\n");
        // Chain names avoid nft keywords ("fwd" is one).
        rules.append(chain(RANDOM_DROP_CHAIN, "postrouting", postrouting));
        rules.append(chain("lab_out", "output", output));
        return rules.append("}\n").toString();
    }

    private static String chain(String name, String hook, List<String> rules) {
        StringBuilder chain = new StringBuilder("  chain " + name + " {\n    type filter hook " + hook
                + " priority 0; policy accept;\n");
        for (String rule : rules) {
            chain.append("    ").append(rule).append('\n');
        }
        return chain.append("  }\n").toString();
    }

    private static String host(InetAddress address) {
        return address.getHostAddress();
    }

    /** One node's end of a link. */
    private record End(String dev, InetAddress v4, InetAddress v6, LinkConfig config) {
    }
}
