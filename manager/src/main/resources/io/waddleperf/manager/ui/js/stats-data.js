// Every statistics figure the UI draws is fetched here, so moving the UI to other statistics endpoints changes this
// file only. A view makes two statistics requests, in parallel: one summary (GET /api/v1/statistics/summary, or
// GET /api/v1/statistics/device/{serial} for one device, which adds its newest results) for the tiles and the table,
// and one time series (GET /api/v1/statistics/timeseries) for the charts. Both are answered from the manager's
// rollups, so their cost grows with the range's buckets and series, not with the number of results.
//
// The time series is grouped by test type only: per target there can be more series than the API answers (100) in one
// request, and one request per target would bring back the request count this file exists to keep low. A target
// filter narrows the series to that target's types.

import { ApiError, get, query } from './api.js';

/** Most newest results of a device the device view lists. */
export const RECENT_LIMIT = 100;

/** The time series' intervals (the API's names and lengths), shortest first. */
export const INTERVALS = [['1m', 60], ['5m', 300], ['15m', 900], ['1h', 3600], ['6h', 21600], ['1d', 86400],
  ['7d', 604800]];
/** Most chart points a view asks for: the shortest interval that stays at or under this many is used. */
export const MAX_POINTS = 48;

/**
 * Most target × type groups the statistics page asks for without a device: the busiest ones (the API ranks up to
 * 20 000 and says how many there were), so a fleet of thousands of targets gets a table instead of a refusal.
 */
export const GROUP_LIMIT = 1000;

/** Key of a summary group. */
export const groupKey = (g) => `${g.test_type} ${g.target}`;

const iso = (d) => d.toISOString();

/** The URL of the summary over [from, to) (Date objects), optionally of one device's results only. */
export function summaryUrl(from, to, device) {
  return '/api/v1/statistics/summary' + query({ from: iso(from), to: iso(to), device });
}

/**
 * {from, to, resolution, groups} per target and test type over [from, to): the GROUP_LIMIT busiest, with group_count
 * and others ({groups, count, success_count} of the rest) when there are more; with a device, that device's groups,
 * and `recent`: its newest results matching target and test type (at most RECENT_LIMIT, from any time). A device with
 * no result in the caller's scope has no groups and no recent results.
 */
export async function summary(from, to, { device, target, testType } = {}) {
  if (!device) return get(summaryUrl(from, to) + '&limit=' + GROUP_LIMIT);
  try {
    return await get('/api/v1/statistics/device/' + encodeURIComponent(device) + query({
      from: iso(from), to: iso(to), target, test_type: testType, limit: RECENT_LIMIT,
    }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { from: iso(from), to: iso(to), groups: [], recent: [] };
    throw e;
  }
}

/** The groups that match {target, test_type} (empty filter values match all). */
export function filterGroups(groups, { target, testType }) {
  return groups.filter((g) => (!target || g.target === target) && (!testType || g.test_type === testType));
}

/**
 * {from, to, resolution, groups} per test type over [from, to): the totals of the whole scope in a few groups at any
 * fleet size (the manager reads its per-type rollups for them).
 */
export function typeSummary(from, to) {
  return get('/api/v1/statistics/summary' + query({ from: iso(from), to: iso(to), group_by: 'test_type' }));
}

/** Totals over groups (and `others`, the groups a ranked summary left out): count, successes, success rate. */
export function totals(groups, others) {
  const count = groups.reduce((a, g) => a + g.count, 0) + (others?.count || 0);
  const successes = groups.reduce((a, g) => a + g.success_count, 0) + (others?.success_count || 0);
  return { count, successes, failures: count - successes, successRate: count ? successes / count : null };
}

/** The shortest interval that gives at most MAX_POINTS buckets over [from, to) (the longest one if none does). */
export function intervalFor(from, to) {
  const points = ([, s]) => Math.ceil(to.getTime() / 1000 / s) - Math.floor(from.getTime() / 1000 / s);
  return (INTERVALS.find((i) => points(i) <= MAX_POINTS) || INTERVALS[INTERVALS.length - 1])[0];
}

/**
 * The figures of [from, to) per test type and time bucket, filtered by device, target and test type: {interval,
 * step: [its length in seconds], x: [bucket starts, unix seconds], series: [{test_type, count, points: [the bucket's figures or null per x]}]},
 * series busiest first. A bucket without results is null, so a chart shows a gap there.
 */
export async function series(from, to, { device, target, testType } = {}) {
  const ask = (interval) => get('/api/v1/statistics/timeseries' + query({
    from: iso(from), to: iso(to), interval, group_by: 'test_type', device, target, test_type: testType,
  }));
  let answer;
  try {
    answer = await ask(intervalFor(from, to));
  } catch (e) {
    // the manager is configured to keep the interval's rollups for less than this range: let it choose one it holds
    if (!(e instanceof ApiError && e.status === 400 && e.field === 'interval')) throw e;
    answer = await ask('auto');
  }
  const start = Date.parse(answer.from) / 1000;
  const end = Date.parse(answer.to) / 1000;
  const step = answer.interval_seconds;
  const x = [];
  for (let t = start; t < end; t += step) x.push(t);
  const out = answer.series.map((s) => {
    const points = new Array(x.length).fill(null);
    for (const p of s.points) points[Math.round((Date.parse(p.time) / 1000 - start) / step)] = p;
    return { test_type: s.test_type, count: s.points.reduce((a, p) => a + p.count, 0), points };
  });
  out.sort((a, b) => b.count - a.count);
  return { interval: answer.interval, step, x, series: out };
}

/**
 * Links to the figures as files: the API's JSON answer (the CSV is made from the same groups, see groupsCsv), the
 * same request as the page's summary.
 */
export function exportLinks(from, to, device) {
  return { json: device ? summaryUrl(from, to, device) : summaryUrl(from, to) + '&limit=' + GROUP_LIMIT };
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
