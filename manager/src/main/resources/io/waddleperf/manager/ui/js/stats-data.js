// Every statistics figure the UI draws is fetched here, so moving the UI to other statistics endpoints (rollup
// time series, server-side exports) changes this file only. Today's API: GET /api/v1/statistics/summary?from=&to=
// answers per target and test type over a range; a time series is one summary per bucket, fetched in parallel.
// Filters by target and type pick summary groups (each group is exactly one target and type); a device filter reads
// that device's results from GET /api/v1/results (figures of each result, not aggregated).

import { get, query } from './api.js';

export const RESULT_LIMIT = 1000;

/** Key of a summary group. */
export const groupKey = (g) => `${g.test_type} ${g.target}`;

/** {from, to, groups} over [from, to) (Date objects). */
export async function summary(from, to) {
  return get('/api/v1/statistics/summary' + query({ from: from.toISOString(), to: to.toISOString() }));
}

/** The groups that match {target, test_type} (empty filter values match all). */
export function filterGroups(groups, { target, testType }) {
  return groups.filter((g) => (!target || g.target === target) && (!testType || g.test_type === testType));
}

/** Totals over groups: count, successes, success rate. */
export function totals(groups) {
  const count = groups.reduce((a, g) => a + g.count, 0);
  const successes = groups.reduce((a, g) => a + g.success_count, 0);
  return { count, successes, failures: count - successes, successRate: count ? successes / count : null };
}

/**
 * `buckets` equal slices of [from, to): {x: [slice start, unix seconds], byGroup: Map(key → [group figures or null
 * per slice])}.
 */
export async function series(from, to, buckets) {
  const step = (to.getTime() - from.getTime()) / buckets;
  const starts = Array.from({ length: buckets }, (_, i) => new Date(from.getTime() + Math.round(i * step)));
  const answers = await Promise.all(starts.map((s, i) =>
    summary(s, i === buckets - 1 ? to : starts[i + 1])));
  const byGroup = new Map();
  answers.forEach((a, i) => {
    for (const g of a.groups) {
      const key = groupKey(g);
      if (!byGroup.has(key)) byGroup.set(key, new Array(buckets).fill(null));
      byGroup.get(key)[i] = g;
    }
  });
  return { x: starts.map((s) => s.getTime() / 1000), byGroup };
}

/** One device's results in [from, to), newest first, at most RESULT_LIMIT. */
export async function deviceResults(serial, from, to, { target, testType } = {}) {
  return get('/api/v1/results' + query({
    device_serial: serial, from: from.toISOString(), to: to.toISOString(), target, test_type: testType,
    limit: RESULT_LIMIT,
  }));
}

/** Links to the figures as files: the API's JSON answer, and CSV made from the same groups. */
export function exportLinks(from, to) {
  return {
    json: '/api/v1/statistics/summary' + query({ from: from.toISOString(), to: to.toISOString() }),
  };
}

const CSV_COLUMNS = ['target', 'test_type', 'count', 'success_count', 'success_rate', 'latency_samples',
  'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'mean_packet_loss_percent', 'mean_throughput_mbps'];

function csvCell(v) {
  if (v === undefined || v === null) return '';
  const s = String(v);
  // a leading = + - @ would make a spreadsheet run the cell as a formula
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? "'" + s : s;
  return /[",\n\r]/.test(safe) ? '"' + safe.replace(/"/g, '""') + '"' : safe;
}

export function groupsCsv(groups) {
  return [CSV_COLUMNS.join(','), ...groups.map((g) => CSV_COLUMNS.map((c) => csvCell(g[c])).join(','))].join('\r\n') + '\r\n';
}
