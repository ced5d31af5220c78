/**
 * A WaddlePerf component (test server, agent) as a device of the manager: {@link io.waddleperf.device.ManagerClient}
 * speaks the manager's device API, {@link io.waddleperf.device.ManagerLink} enrols, keeps the credential in a file
 * only its user can read, heartbeats and enrols again when the manager no longer knows the credential.
 */
package io.waddleperf.device;
