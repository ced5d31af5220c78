/**
 * The manager's HTTP API: one class per resource ({@code AuthApi}, {@code UsersApi}, {@code OrganizationsApi},
 * {@code ResultsApi}, {@code StatisticsApi}, {@code HealthApi}), each checking role and OU scope on every route, and
 * one place ({@link io.waddleperf.manager.api.ApiErrors}) turning exceptions into {@code {error, field?}} answers.
 */
package io.waddleperf.manager.api;
