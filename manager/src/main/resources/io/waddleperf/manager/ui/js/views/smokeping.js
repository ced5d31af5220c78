// Latency and loss of one target and test type over time, drawn the way SmokePing draws it: per time bucket the median
// latency as a short line coloured by the bucket's loss, over grey "smoke" that shows how the latencies spread (the
// darker, the more results there). Plain SVG, so every mark carries the bucket's figures as data-* attributes and a
// tooltip. Every figure is the time series API's (GET /api/v1/statistics/timeseries through stats-data.js); the page
// only places them.

import { html, useState } from '../lib.js';
import * as stats from '../stats-data.js';
import { ErrorBox, Loading, useLoad } from '../components.js';
import * as fmt from '../format.js';
import { navigate } from '../nav.js';
import { RANGES, rangeOf } from './statistics.js';

/**
 * SmokePing's loss colour steps: the upper bound of each step in percent (a bucket with 0.5 % loss is in the "≤ 2 %"
 * step, as one lost ping in a few hundred is) and its label. The colours are in app.css as .loss-0 … .loss-5.
 */
export const LOSS_STEPS = [[0, '0 %'], [2, '≤ 2 %'], [5, '≤ 5 %'], [10, '≤ 10 %'], [20, '≤ 20 %'], [Infinity, '> 20 %']];

/** The loss step (index into LOSS_STEPS) of a loss in percent. */
export function lossStep(loss) {
  return LOSS_STEPS.findIndex(([bound]) => loss <= bound);
}

/**
 * A bucket's loss in percent: the mean packet loss its results report (ping, UDP, MTR), or, for types that report none
 * (TCP, HTTP, DNS …), the share of its results that failed: for them a failed test is the lost probe.
 */
export function bucketLoss(p) {
  if (p.mean_packet_loss_percent !== undefined) return { loss: p.mean_packet_loss_percent, from: 'packet_loss' };
  return { loss: p.count ? 100 * (p.count - p.success_count) / p.count : 0, from: 'failures' };
}

const W = 900;
const H = 320;
const PAD = { left: 64, right: 12, top: 12, bottom: 36 };

/** About `n` round tick values from 0 to at least `max`. */
function ticks(max, n = 5) {
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = 0; v < max + step / 2; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const pad2 = (n) => String(n).padStart(2, '0');
function timeLabel(t, long) {
  const d = new Date(t * 1000);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return long ? `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${hm}` : hm;
}

function Chart({ x, step, points, title }) {
  const buckets = points.map((p, i) => (p ? { t: x[i], p, ...bucketLoss(p) } : null)).filter(Boolean);
  const top = Math.max(1, ...buckets.map((b) => b.p.max_latency_ms ?? 0));
  const yTicks = ticks(top);
  const yMax = yTicks[yTicks.length - 1];
  const start = x[0];
  const end = x[x.length - 1] + step;
  const px = (t) => PAD.left + (t - start) / (end - start) * (W - PAD.left - PAD.right);
  const py = (v) => H - PAD.bottom - v / yMax * (H - PAD.top - PAD.bottom);
  const long = end - start > 86400;
  const every = Math.max(1, Math.ceil(x.length / 8));
  const band = (b, lo, hi, cls) => (b.p[lo] !== undefined && b.p[hi] !== undefined
    ? html`<rect class=${'smoke ' + cls} x=${px(b.t)} width=${px(b.t + step) - px(b.t)} y=${py(b.p[hi])}
                 height=${Math.max(0.5, py(b.p[lo]) - py(b.p[hi]))} />` : null);
  return html`<svg viewBox=${`0 0 ${W} ${H}`} class="smokeping" data-testid="smokeping-chart" role="img"
                   aria-label=${title} data-y-max=${yMax} data-buckets=${buckets.length}>
    <g class="axes" aria-hidden="true">
      ${yTicks.map((v) => html`<line class="grid" x1=${PAD.left} x2=${W - PAD.right} y1=${py(v)} y2=${py(v)} />
        <text class="tick" x=${PAD.left - 6} y=${py(v) + 4} text-anchor="end">${v} ms</text>`)}
      ${x.filter((_, i) => i % every === 0).map((t) => html`
        <text class="tick" x=${px(t)} y=${H - PAD.bottom + 18} text-anchor="middle">${timeLabel(t, long)}</text>`)}
      <line class="axis" x1=${PAD.left} x2=${PAD.left} y1=${PAD.top} y2=${H - PAD.bottom} />
      <line class="axis" x1=${PAD.left} x2=${W - PAD.right} y1=${H - PAD.bottom} y2=${H - PAD.bottom} />
    </g>
    <g class="buckets">${buckets.map((b) => {
      const step_ = lossStep(b.loss);
      const median = b.p.p50_latency_ms;
      const tip = `${fmt.time(new Date(b.t * 1000))}: median ${fmt.ms(median)}, loss ${fmt.pct(b.loss)}`
        + `${b.from === 'failures' ? ' (failed results)' : ''}; min ${fmt.ms(b.p.min_latency_ms)}, p95 `
        + `${fmt.ms(b.p.p95_latency_ms)}, p99 ${fmt.ms(b.p.p99_latency_ms)}, max ${fmt.ms(b.p.max_latency_ms)}; `
        + `${b.p.count} result${b.p.count === 1 ? '' : 's'}`;
      return html`<g class="bucket" data-time=${new Date(b.t * 1000).toISOString()} data-count=${b.p.count}
                     data-median=${median ?? ''} data-loss=${b.loss} data-loss-from=${b.from} data-loss-step=${step_}>
        <title>${tip}</title>
        ${band(b, 'min_latency_ms', 'max_latency_ms', 'smoke-max')}
        ${band(b, 'min_latency_ms', 'p99_latency_ms', 'smoke-p99')}
        ${band(b, 'min_latency_ms', 'p95_latency_ms', 'smoke-p95')}
        ${median !== undefined
          ? html`<line class=${'median loss-' + step_} x1=${px(b.t)} x2=${px(b.t + step)} y1=${py(median)} y2=${py(median)} />`
          // no latency at all (every result failed): the loss shows as a mark along the top edge
          : html`<rect class=${'lost loss-' + step_} x=${px(b.t)} width=${px(b.t + step) - px(b.t)} y=${PAD.top} height="6" />`}
      </g>`;
    })}</g>
  </svg>`;
}

function Legend() {
  return html`<ul class="map-legend smokeping-legend" aria-label="Legend" data-testid="smokeping-legend">
    <li class="muted">median, coloured by loss:</li>
    ${LOSS_STEPS.map(([, label], i) => html`<li data-loss-step=${i}><span class=${'swatch loss-' + i}></span> ${label}</li>`)}
    <li><span class="swatch smoke-key smoke-p95"></span> min to p95</li>
    <li><span class="swatch smoke-key smoke-p99"></span> to p99</li>
    <li><span class="swatch smoke-key smoke-max"></span> to max</li>
  </ul>`;
}

function BucketTable({ x, points }) {
  return html`<details><summary>Figures per bucket</summary><div class="table-wrap"><table data-testid="smokeping-table">
    <thead><tr><th scope="col">Bucket</th><th scope="col">Results</th><th scope="col">Median</th><th scope="col">Loss</th>
      <th scope="col">Min</th><th scope="col">p95</th><th scope="col">p99</th><th scope="col">Max</th></tr></thead>
    <tbody>${points.map((p, i) => p && html`<tr>
      <td>${fmt.time(new Date(x[i] * 1000))}</td><td class="num">${fmt.count(p.count)}</td>
      <td class="num">${fmt.ms(p.p50_latency_ms)}</td><td class="num">${fmt.pct(bucketLoss(p).loss)}</td>
      <td class="num">${fmt.ms(p.min_latency_ms)}</td><td class="num">${fmt.ms(p.p95_latency_ms)}</td>
      <td class="num">${fmt.ms(p.p99_latency_ms)}</td><td class="num">${fmt.ms(p.max_latency_ms)}</td></tr>`)}
    </tbody></table></div></details>`;
}

export function SmokePing({ params }) {
  const range = rangeOf(params);
  const [target, setTarget] = useState(params.target || '');
  const [type, setType] = useState(params.type || '');
  const chosen = Boolean(params.target && params.type);
  const data = useLoad(() => (chosen
    ? stats.series(range.from, range.to, { device: params.device, target: params.target, testType: params.type })
    : Promise.resolve(null)), [JSON.stringify(params)]);
  const go = (changes) => navigate('/smokeping', { ...params, ...changes });
  const s = data.data?.series.find((x) => x.test_type === params.type);
  const title = `Median latency and loss of ${params.type} to ${params.target}`
    + (params.device ? `, device ${params.device}` : '') + `, ${fmt.time(range.from)} to ${fmt.time(range.to)}`;
  const back = '#/statistics?' + new URLSearchParams(Object.entries({ ...params }).filter(([, v]) => v));

  return html`<section data-testid="smokeping" data-from=${range.from.toISOString()} data-to=${range.to.toISOString()}>
    <h1 tabindex="-1">Latency and loss</h1>
    <form class="filters" role="search" aria-label="Target and range"
          onSubmit=${(e) => { e.preventDefault(); go({ target: target.trim(), type: type.trim() }); }}>
      <div><label for="sp-target">Target</label>
        <input id="sp-target" value=${target} required onInput=${(e) => setTarget(e.target.value)} /></div>
      <div><label for="sp-type">Test type</label>
        <input id="sp-type" value=${type} required onInput=${(e) => setType(e.target.value)} /></div>
      <div><label for="sp-range">Time range</label>
        <select id="sp-range" value=${range.custom ? 'custom' : (params.range || '24h')}
                onChange=${(e) => e.target.value !== 'custom' && go({ range: e.target.value, from: undefined, to: undefined })}>
          ${Object.entries(RANGES).map(([k, r]) => html`<option value=${k}>${r.label}</option>`)}
          ${range.custom && html`<option value="custom">${fmt.time(range.from)} to ${fmt.time(range.to)}</option>`}
        </select></div>
      <div class="filter-actions"><button type="submit">Show</button></div>
    </form>
    <${ErrorBox} error=${data.error} />
    ${!chosen ? html`<p class="muted">Choose a target and a test type, or follow a link from the statistics table.</p>`
      : data.loading ? html`<${Loading} what="latency and loss" />`
      : !s ? html`<p class="muted" data-testid="smokeping-empty">No results of ${params.type} to ${params.target} in this range.</p>`
      : html`
        <figure class="chart-figure" data-interval=${data.data.interval}>
          <figcaption>${title}</figcaption>
          <${Legend} />
          <${Chart} x=${data.data.x} step=${data.data.step}
                   points=${s.points} title=${title} />
          <p class="muted small">One bucket every ${data.data.interval}. Loss is the mean packet loss the results report or,
            for test types that report none, the share of failed results. Percentiles come from the manager's rollups
            (within 1 %).</p>
        </figure>
        <${BucketTable} x=${data.data.x} points=${s.points} />`}
    <p><a href=${back}>Back to the statistics</a></p>
  </section>`;
}
