// Dashboard: the last 24 hours in figures and charts, refreshed every 15 s while the tab is visible.

import { html, useEffect, useState } from '../lib.js';
import { get, query } from '../api.js';
import { readsDevices } from '../session.js';
import * as stats from '../stats-data.js';
import { ErrorBox, LineChart, Loading, OkBadge } from '../components.js';
import * as fmt from '../format.js';

export const REFRESH_MS = 15000;
const HOURS = 24;
const TOP_TYPES = 3;
/** Most escalations the dashboard lists. */
const ESCALATIONS = 10;

async function load(user) {
  // whole minutes, so the range is stable between the figures fetched in one refresh
  const to = new Date(Math.ceil(Date.now() / 60000) * 60000);
  const from = new Date(to.getTime() - HOURS * 3600 * 1000);
  const [overall, series, devices, failures, escalations] = await Promise.all([
    // totals only: per test type, a few groups at any fleet size (per target and type can be thousands)
    stats.typeSummary(from, to),
    stats.series(from, to),
    readsDevices(user) ? get('/api/v1/devices/stats') : Promise.resolve(null),
    get('/api/v1/results' + query({ success: false, limit: 10, from: from.toISOString(), to: to.toISOString() })),
    // AutoPerf escalated: a tier 1 threshold was crossed (tier 2) or tier 2 found the problem too (tier 3)
    get('/api/v1/results' + query({ tier: '2,3', limit: ESCALATIONS, from: from.toISOString(), to: to.toISOString() })),
  ]);
  return { from, to, overall, series, devices, failures, escalations };
}

function Escalations({ results }) {
  return html`<h2>Recent escalations</h2>
    ${results.length === 0 ? html`<p class="muted" data-testid="no-escalations">No AutoPerf escalations (tier 2 or 3) in this range.</p>` : html`
    <div class="table-wrap"><table data-testid="recent-escalations">
      <caption class="visually-hidden">The newest results of AutoPerf tiers 2 and 3</caption>
      <thead><tr><th scope="col">Started</th><th scope="col">Tier</th><th scope="col">Device</th><th scope="col">Type</th>
        <th scope="col">Target</th><th scope="col">Outcome</th></tr></thead>
      <tbody>${results.map((r) => html`<tr data-id=${r.id} data-tier=${r.tier}>
        <td><a href=${'#/result/' + r.id}>${fmt.time(r.started_at)}</a></td>
        <td class="escalation-tier">tier ${r.tier}</td><td>${r.device?.serial || '—'}</td><td>${r.test_type}</td>
        <td>${r.target}</td><td><${OkBadge} ok=${r.success} /></td></tr>`)}
      </tbody></table></div>`}`;
}

function Tile({ label, value, testid, note }) {
  return html`<div class="tile"><div class="tile-label">${label}</div>
    <div class="tile-value" data-testid=${testid}>${value}</div>${note && html`<div class="muted small">${note}</div>`}</div>`;
}

/** The n busiest test types (series come busiest first) with a figure `field` somewhere in the range. */
function busiest(series, field, n) {
  return series.filter((s) => s.points.some((p) => p?.[field] !== undefined)).slice(0, n);
}

export function Dashboard({ user }) {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    let live = true;
    const refresh = () => load(user).then((data) => live && setState({ data, error: null }),
      (error) => live && setState((s) => ({ data: s.data, error })));
    refresh();
    const timer = setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
    const visible = () => { if (!document.hidden) refresh(); };
    document.addEventListener('visibilitychange', visible);
    return () => { live = false; clearInterval(timer); document.removeEventListener('visibilitychange', visible); };
  }, [user.id]);

  const { data, error } = state;
  if (!data) return html`<section><h1 tabindex="-1">Dashboard</h1>${error ? html`<${ErrorBox} error=${error} />` : html`<${Loading} />`}</section>`;
  const t = stats.totals(data.overall.groups);
  const latencySeries = busiest(data.series.series, 'p50_latency_ms', TOP_TYPES).flatMap((s, i) => [
    { label: `p50 ${s.test_type}`, values: s.points.map((p) => p?.p50_latency_ms ?? null), color: i },
    { label: `p95 ${s.test_type}`, values: s.points.map((p) => p?.p95_latency_ms ?? null), color: i, dash: [6, 4] },
  ]);
  const throughputSeries = busiest(data.series.series, 'mean_throughput_mbps', TOP_TYPES).map((s, i) =>
    ({ label: s.test_type, values: s.points.map((p) => p?.mean_throughput_mbps ?? null), color: i }));
  const d = data.devices;
  return html`<section class="dashboard" data-from=${data.from.toISOString()} data-to=${data.to.toISOString()}
                       data-testid="dashboard">
    <h1 tabindex="-1">Dashboard</h1>
    <p class="muted">Last ${HOURS} hours, ${fmt.time(data.from)} to ${fmt.time(data.to)}; refreshed every ${REFRESH_MS / 1000} s.</p>
    <${ErrorBox} error=${error} />
    <div class="tiles">
      <${Tile} label="Results" value=${fmt.count(t.count)} testid="results-count" />
      <${Tile} label="Success rate" value=${fmt.rate(t.successRate)} testid="success-rate" />
      <${Tile} label="Failures" value=${fmt.count(t.failures)} testid="failures-count" />
      ${d && html`<${Tile} label="Devices online" value=${fmt.count(d.online)} testid="devices-online"
                          note=${`${d.recent} recent, ${d.offline} offline, ${d.stale} stale, ${d.never} never; ${d.active} of ${d.total} active`} />`}
    </div>
    <div class="charts">
      ${latencySeries.length
        ? html`<${LineChart} title="Latency p50 (solid) and p95 (dashed) of the busiest test types" x=${data.series.x}
                             series=${latencySeries} unit="ms" testid="latency-chart" />`
        : html`<p class="muted">No latency figures in this range.</p>`}
      ${throughputSeries.length
        ? html`<${LineChart} title="Mean throughput of the busiest test types" x=${data.series.x} series=${throughputSeries}
                             unit="Mbit/s" testid="throughput-chart" />`
        : html`<p class="muted">No throughput figures in this range.</p>`}
    </div>
    <${Escalations} results=${data.escalations} />
    <h2>Recent failures</h2>
    ${data.failures.length === 0 ? html`<p class="muted">No failed results in this range.</p>` : html`
    <div class="table-wrap"><table data-testid="recent-failures">
      <thead><tr><th scope="col">Started</th><th scope="col">Type</th><th scope="col">Target</th><th scope="col">Device</th><th scope="col">Error</th></tr></thead>
      <tbody>${data.failures.map((r) => html`<tr>
        <td><a href=${'#/result/' + r.id}>${fmt.time(r.started_at)}</a></td><td>${r.test_type}</td><td>${r.target}</td>
        <td>${r.device?.serial || '—'}</td><td><${OkBadge} ok=${false} /> ${r.error || ''}</td></tr>`)}
      </tbody></table></div>`}
  </section>`;
}
