/**
 * The audit log: who changed what, when and from where — never a secret. Written by the API handlers right after a
 * change commits, read by admins through {@code GET /api/v1/audit}.
 */
package io.waddleperf.manager.audit;
