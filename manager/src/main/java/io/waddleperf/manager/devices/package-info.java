/**
 * What the manager asks of enrolled devices: the agent configuration documents it accepts (checked with the loader
 * the agent itself uses) and each device's own schedule (its interval within ±15 %, its next configuration check).
 */
package io.waddleperf.manager.devices;
