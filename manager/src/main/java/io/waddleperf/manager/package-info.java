/**
 * The manager: the centre of a WaddlePerf installation. {@link io.waddleperf.manager.ManagerServer} assembles the
 * database, the services and the HTTP API from a {@link io.waddleperf.manager.ManagerConfig}.
 */
package io.waddleperf.manager;
