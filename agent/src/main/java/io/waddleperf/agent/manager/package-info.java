/**
 * The agent as an enrolled device of the manager: enrolment, heartbeats and the credential (shared with the test
 * server through the device module), and the configuration the manager keeps for the agent, pulled and applied
 * without a restart ({@link io.waddleperf.agent.manager.DeviceLink}).
 */
package io.waddleperf.agent.manager;
