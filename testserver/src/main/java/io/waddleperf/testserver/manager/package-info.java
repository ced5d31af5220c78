/**
 * The test server's side of the manager: enrolling as a device and heartbeating ({@link io.waddleperf.device.ManagerLink}, shared with the agent), checking API
 * keys the server does not know with the manager ({@link ManagerKeyCheck}), and forwarding browser results durably
 * through a spool on disk ({@link ResultForwarder}, {@link ResultSpool}).
 */
package io.waddleperf.testserver.manager;
