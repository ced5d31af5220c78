/**
 * Who is asking and what they may do: roles, password hashing (Argon2id, bcrypt accepted and upgraded), opaque
 * session tokens and API keys stored as digests, login rate limits, and the login/session service.
 */
package io.waddleperf.manager.auth;
