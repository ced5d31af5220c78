// Statistics: filters (device, target, type, time range) in the URL; latency percentile, loss and throughput charts
// per test type; the figures per target and type as a table; a device's newest results; export links. All data comes
// through stats-data.js: one summary and one time series request per view.

import { html, useState } from '../lib.js';
import { get } from '../api.js';
import { readsDevices } from '../session.js';
import * as stats from '../stats-data.js';
import { DownloadLink, ErrorBox, LineChart, Loading, OkBadge, useLoad } from '../components.js';
import * as fmt from '../format.js';
import { navigate } from '../nav.js';

/** Range presets (the chart's interval follows from the length, see stats.intervalFor). */
export const RANGES = {
  '1h': { label: 'last hour', ms: 3600e3 },
  '24h': { label: 'last 24 hours', ms: 86400e3 },
  '7d': { label: 'last 7 days', ms: 7 * 86400e3 },
  '30d': { label: 'last 30 days', ms: 30 * 86400e3 },
};
const TOP_TYPES = 5;

/** The range the URL's filters name: from/to when both are valid, else a preset (24 hours by default) up to now. */
export function rangeOf(params) {
  if (params.from && params.to) {
    const from = new Date(params.from);
    const to = new Date(params.to);
    if (!Number.isNaN(from.getTime()) && !Number.isNaN(to.getTime()) && from < to) {
      return { from, to, custom: true };
    }
  }
  const preset = RANGES[params.range] || RANGES['24h'];
  const to = new Date(Math.ceil(Date.now() / 60000) * 60000);
  return { from: new Date(to.getTime() - preset.ms), to, custom: false };
}

async function load(range, device, filter) {
  // without a device the summary is not narrowed by target and type, so the filters can offer all of them
  const [overall, series] = await Promise.all([
    stats.summary(range.from, range.to, device ? { device, ...filter } : {}),
    stats.series(range.from, range.to, { device, ...filter })]);
  return { overall, series };
}

function Filters({ params, range, targets, types, devices }) {
  const [from, setFrom] = useState(params.from ? fmt.localInput(new Date(params.from)) : '');
  const [to, setTo] = useState(params.to ? fmt.localInput(new Date(params.to)) : '');
  const set = (changes) => navigate('/statistics', { ...params, ...changes });
  const applyCustom = (e) => {
    e.preventDefault();
    if (from && to) set({ range: undefined, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  };
  return html`<form class="filters" aria-label="Statistics filters" onSubmit=${applyCustom}>
    <div><label for="stats-range">Time range</label>
      <select id="stats-range" value=${range.custom ? 'custom' : (params.range || '24h')}
              onChange=${(e) => e.target.value !== 'custom' && set({ range: e.target.value, from: undefined, to: undefined })}>
        ${Object.entries(RANGES).map(([k, r]) => html`<option value=${k}>${r.label}</option>`)}
        <option value="custom">custom (from/to)</option>
      </select></div>
    <div><label for="stats-from">From</label>
      <input id="stats-from" type="datetime-local" value=${from} onInput=${(e) => setFrom(e.target.value)} /></div>
    <div><label for="stats-to">To</label>
      <input id="stats-to" type="datetime-local" value=${to} onInput=${(e) => setTo(e.target.value)} /></div>
    <div class="filter-actions"><button type="submit" class="secondary">Apply range</button></div>
    <div><label for="stats-type">Test type</label>
      <select id="stats-type" value=${params.type || ''} onChange=${(e) => set({ type: e.target.value })}>
        <option value="">any</option>${types.map((t) => html`<option value=${t}>${t}</option>`)}
      </select></div>
    <div><label for="stats-target">Target</label>
      <select id="stats-target" value=${params.target || ''} onChange=${(e) => set({ target: e.target.value })}>
        <option value="">any</option>${targets.map((t) => html`<option value=${t}>${t}</option>`)}
      </select></div>
    ${devices && html`<div><label for="stats-device">Device</label>
      <select id="stats-device" value=${params.device || ''} onChange=${(e) => set({ device: e.target.value })}>
        <option value="">all devices</option>
        ${devices.map((d) => html`<option value=${d.device_serial}>${d.device_serial}${d.device_hostname ? ' (' + d.device_hostname + ')' : ''}</option>`)}
        ${params.device && !devices.some((d) => d.device_serial === params.device) && html`<option value=${params.device}>${params.device}</option>`}
      </select></div>`}
  </form>`;
}

function TypeCharts({ series, filter, device }) {
  const single = series.series.length === 1;
  const shown = series.series.slice(0, single ? 1 : TOP_TYPES);
  const values = (s, field) => s.points.map((p) => p?.[field] ?? null);
  const has = (s, field) => s.points.some((p) => p?.[field] !== undefined);
  const latency = single
    ? [['p50', 'p50_latency_ms'], ['p95', 'p95_latency_ms'], ['p99', 'p99_latency_ms']]
      .filter(([, f]) => has(shown[0], f)).map(([l, f], i) => ({ label: l, values: values(shown[0], f), color: i }))
    : shown.filter((s) => has(s, 'p95_latency_ms')).map((s, i) =>
      ({ label: `p95 ${s.test_type}`, values: values(s, 'p95_latency_ms'), color: i }));
  const loss = shown.filter((s) => has(s, 'mean_packet_loss_percent')).map((s, i) =>
    ({ label: s.test_type, values: values(s, 'mean_packet_loss_percent'), color: i }));
  const throughput = shown.filter((s) => has(s, 'mean_throughput_mbps')).map((s, i) =>
    ({ label: s.test_type, values: values(s, 'mean_throughput_mbps'), color: i }));
  // the types by name (busiest first), so the title says what is drawn
  const what = shown.map((s) => s.test_type).join(', ')
    + (filter.target ? ` to ${filter.target}` : single ? ', all targets' : '')
    + (device ? `, device ${device}` : '');
  return html`<div class="charts" data-interval=${series.interval}>
    ${latency.length > 0 && html`<${LineChart} title=${(single ? 'Latency percentiles of ' : 'Latency p95 of ') + what}
        x=${series.x} series=${latency} unit="ms" testid="stats-latency-chart" />`}
    ${loss.length > 0 && html`<${LineChart} title=${'Mean packet loss of ' + what} x=${series.x} series=${loss} unit="%"
        testid="stats-loss-chart" />`}
    ${throughput.length > 0 && html`<${LineChart} title=${'Mean throughput of ' + what} x=${series.x} series=${throughput}
        unit="Mbit/s" testid="stats-throughput-chart" />`}
  </div>`;
}

function GroupTable({ groups, params }) {
  return html`<div class="table-wrap"><table data-testid="stats-table">
    <caption class="visually-hidden">Figures per target and test type</caption>
    <thead><tr><th scope="col">Type</th><th scope="col">Target</th><th scope="col">Results</th><th scope="col">Success</th>
      <th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th><th scope="col">Loss</th>
      <th scope="col">Throughput</th><th scope="col">Over time</th></tr></thead>
    <tbody>${groups.map((g) => html`<tr data-key=${stats.groupKey(g)}>
      <td>${g.test_type}</td>
      <td><a href=${'#/statistics?' + new URLSearchParams({ ...params, target: g.target, type: g.test_type })}>${g.target}</a></td>
      <td class="num" data-field="count">${fmt.count(g.count)}</td><td class="num">${fmt.rate(g.success_rate)}</td>
      <td class="num" data-field="p50">${fmt.ms(g.p50_latency_ms)}</td><td class="num" data-field="p95">${fmt.ms(g.p95_latency_ms)}</td>
      <td class="num">${fmt.ms(g.p99_latency_ms)}</td><td class="num">${fmt.pct(g.mean_packet_loss_percent)}</td>
      <td class="num">${fmt.mbps(g.mean_throughput_mbps)}</td>
      <td><a href=${'#/smokeping?' + new URLSearchParams({ ...params, target: g.target, type: g.test_type })}
             aria-label=${`Latency and loss of ${g.test_type} to ${g.target}`}>latency and loss</a></td></tr>`)}
    </tbody></table></div>`;
}

function RecentResults({ results, serial }) {
  return html`<h2>Newest results of device ${serial}</h2>
    <p class="muted">Its newest ${results.length === stats.RECENT_LIMIT ? stats.RECENT_LIMIT + ' ' : ''}results of the chosen
      target and type, from any time, as measured.</p>
    ${results.length === 0 ? html`<p class="muted">No results of this device.</p>` : html`
    <div class="table-wrap"><table data-testid="stats-device-results">
      <thead><tr><th scope="col">Started</th><th scope="col">Type</th><th scope="col">Target</th><th scope="col">Outcome</th>
        <th scope="col">Latency</th><th scope="col">Loss</th><th scope="col">Throughput</th></tr></thead>
      <tbody>${results.map((r) => html`<tr>
        <td><a href=${'#/result/' + r.id}>${fmt.time(r.started_at)}</a></td><td>${r.test_type}</td><td>${r.target}</td>
        <td><${OkBadge} ok=${r.success} /></td><td class="num">${fmt.ms(r.latency_ms)}</td>
        <td class="num">${fmt.pct(r.packet_loss_percent)}</td><td class="num">${fmt.mbps(r.throughput_mbps)}</td></tr>`)}
      </tbody></table></div>`}`;
}

export function Statistics({ user, params }) {
  const range = rangeOf(params);
  const filter = { target: params.target, testType: params.type };
  const key = JSON.stringify(params);
  const data = useLoad(() => load(range, params.device, filter), [key]);
  const devices = useLoad(() => (readsDevices(user) ? get('/api/v1/devices?limit=500') : Promise.resolve(null)), []);
  const all = data.data?.overall?.groups || [];
  const groups = stats.filterGroups(all, filter);
  const overall = data.data?.overall;
  // a ranked answer leaves groups out: unfiltered totals add them back; the table says it shows the busiest
  const ranked = overall?.group_count !== undefined && overall.group_count > all.length;
  const t = stats.totals(groups, ranked && !filter.target && !filter.testType ? overall.others : null);
  const links = stats.exportLinks(range.from, range.to, params.device);
  const targets = [...new Set(all.map((g) => g.target))].sort();
  const types = [...new Set(all.map((g) => g.test_type))].sort();

  return html`<section data-testid="statistics" data-from=${range.from.toISOString()} data-to=${range.to.toISOString()}>
    <h1 tabindex="-1">Statistics</h1>
    <${Filters} key=${key} params=${params} range=${range} targets=${params.target && !targets.includes(params.target) ? [...targets, params.target] : targets}
               types=${params.type && !types.includes(params.type) ? [...types, params.type] : types}
               devices=${devices.data?.devices} />
    <p class="muted">${fmt.time(range.from)} to ${fmt.time(range.to)}</p>
    <${ErrorBox} error=${data.error} />
    ${data.loading ? html`<${Loading} what="statistics" />` : data.data && html`
        <div class="tiles">
          <div class="tile"><div class="tile-label">Results</div><div class="tile-value" data-testid="stats-count">${fmt.count(t.count)}</div></div>
          <div class="tile"><div class="tile-label">Success rate</div><div class="tile-value" data-testid="stats-success-rate">${fmt.rate(t.successRate)}</div></div>
          <div class="tile"><div class="tile-label">Targets × types</div><div class="tile-value">${ranked && !filter.target && !filter.testType ? overall.group_count : groups.length}</div></div>
        </div>
        ${ranked && html`<p class="muted" data-testid="stats-ranked">The table shows the ${all.length} busiest of
          ${fmt.count(overall.group_count)} targets × types in this range; choose a device to see all of its figures.</p>`}
        ${groups.length === 0 ? html`<p class="muted">No results match.</p>` : html`
          ${data.data.series.series.length > 0 && html`<${TypeCharts} series=${data.data.series} filter=${filter}
                                                                   device=${params.device} />`}
          <${GroupTable} groups=${groups} params=${params} />`}
        ${params.device && html`<${RecentResults} results=${data.data.overall.recent || []} serial=${params.device} />`}
        <p class="exports">Export:
          <a class="button secondary" href=${links.json} download="statistics.json" data-testid="export-json">JSON</a>
          <${DownloadLink} text=${stats.groupsCsv(groups)} type="text/csv" filename="statistics.csv" label="CSV" testid="export-csv" />
        </p>`}
  </section>`;
}
