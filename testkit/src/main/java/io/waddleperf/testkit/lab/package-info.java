/**
 * A network-namespace lab for tests that need ground truth: a chain client — r1 … rN — server of Linux network
 * namespaces joined by veth links with known addresses, routes, MTU, rate ({@code tc tbf}), random loss
 * ({@code nft numgen}) and a userspace delay relay (this kernel has no {@code tc netem}).
 *
 * <p>Start with {@link io.waddleperf.testkit.lab.Lab#builder()} or the JUnit extension
 * {@link io.waddleperf.testkit.lab.LabExtension}; run Java code inside a namespace with
 * {@link io.waddleperf.testkit.lab.LabNode#run(java.util.concurrent.Callable)}. The lab is never connected to the
 * host's namespace or interfaces, so its traffic cannot leave it.
 */
package io.waddleperf.testkit.lab;
