package io.waddleperf.manager.store;

import java.time.Instant;
import java.util.UUID;

/**
 * An organisation unit (OU): the scope of OU roles, devices and results.
 *
 * @param id          key
 * @param name        unique name
 * @param description optional text
 * @param createdAt   creation time
 */
public record Organization(UUID id, String name, String description, Instant createdAt) {
}
