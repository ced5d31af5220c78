// Map: where clients measured from and where their targets are, from the `geo` the manager adds to results when it
// has a GeoIP database. Plain SVG over Natural Earth's country outlines served by the manager (map/README.md): no
// tiles, nothing fetched from elsewhere. Each place is a circle sized by its number of results; hovering (or focusing)
// it shows the place, the count and the mean latency, and the same figures are in the tables below.

import { html, useState } from '../lib.js';
import { get, query } from '../api.js';
import { ErrorBox, Loading, useLoad } from '../components.js';
import * as fmt from '../format.js';
import { navigate } from '../nav.js';

const RANGES = [['24h', 'last 24 hours', 24 * 3600e3], ['7d', 'last 7 days', 7 * 86400e3], ['30d', 'last 30 days', 30 * 86400e3]];
const LIMIT = 1000; // the most results the API lists at once; the newest count
// the outlines are drawn from 90° N to 60° S: nothing is measured further south
const VIEW_HEIGHT_DEGREES = 150;

let outlines = null; // loaded once per page: the file does not change while the manager runs
function loadOutlines() {
  if (!outlines) {
    outlines = fetch('/map/countries-110m.json', { credentials: 'same-origin' }).then((r) => {
      if (!r.ok) throw new Error(`country outlines: HTTP ${r.status}`);
      return r.json();
    });
    outlines.catch(() => { outlines = null; });
  }
  return outlines;
}

/** A place's key: coordinates to about a kilometre, so the results of one city fall together. */
const key = (g) => `${g.latitude.toFixed(2)},${g.longitude.toFixed(2)}`;
const placed = (g) => g && Number.isFinite(g.latitude) && Number.isFinite(g.longitude);
const placeName = (g) => [g.city, g.country_code].filter(Boolean).join(', ') || `${g.latitude}, ${g.longitude}`;

function add(map, g, r) {
  const k = key(g);
  let p = map.get(k);
  if (!p) {
    p = { key: k, name: placeName(g), latitude: g.latitude, longitude: g.longitude, count: 0, failures: 0,
      latencySum: 0, latencyCount: 0, what: new Set() };
    map.set(k, p);
  }
  p.count += 1;
  if (!r.success) p.failures += 1;
  if (Number.isFinite(r.latency_ms)) { p.latencySum += r.latency_ms; p.latencyCount += 1; }
  return p;
}

/** Places of clients and targets, and the client→target pairs between them, from a list of results. */
export function places(results) {
  const clients = new Map();
  const targets = new Map();
  const links = new Map();
  let withGeo = 0;
  for (const r of results) {
    const c = placed(r.geo?.client) ? add(clients, r.geo.client, r) : null;
    const t = placed(r.geo?.target) ? add(targets, r.geo.target, r) : null;
    if (c || t) withGeo += 1;
    if (c && r.device?.serial) c.what.add(r.device.serial);
    if (t) t.what.add(r.target);
    if (c && t && c.key !== t.key) {
      const k = c.key + '>' + t.key;
      const l = links.get(k) || { key: k, from: c, to: t, count: 0 };
      l.count += 1;
      links.set(k, l);
    }
  }
  const done = (m) => [...m.values()].map((p) => ({ ...p, latency: p.latencyCount ? p.latencySum / p.latencyCount : null }))
    .sort((a, b) => b.count - a.count);
  return { clients: done(clients), targets: done(targets), links: [...links.values()], withGeo, total: results.length };
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function summary(d) {
  return `${d.withGeo} of ${plural(d.total, 'result')}${d.total === LIMIT ? ` (the newest ${LIMIT})` : ''} placed: `
    + `${plural(d.clients.length, 'client place')}, ${plural(d.targets.length, 'target place')}.`
    + (d.total > 0 && d.withGeo === 0 ? ' Results are placed when the manager has a GeoIP database (geoip.databases).' : '');
}

function Place({ p, kind, scale, max }) {
  const x = (p.longitude + 180) * scale;
  const y = (90 - p.latitude) * scale;
  const r = 3 + 7 * Math.sqrt(p.count / max);
  const label = `${kind === 'target' ? 'Target' : 'Client'} ${p.name}: ${p.count} result${p.count === 1 ? '' : 's'}`
    + `, ${p.failures} failed, mean latency ${fmt.ms(p.latency)}`
    + (p.what.size ? ` (${[...p.what].slice(0, 5).join(', ')}${p.what.size > 5 ? ', …' : ''})` : '');
  return html`<circle class=${'map-point ' + kind} cx=${x} cy=${y} r=${r} tabindex="0" role="img" aria-label=${label}
    data-place=${p.name}><title>${label}</title></circle>`;
}

function PlaceTable({ title, list, testid }) {
  return html`<h2>${title}</h2>${list.length === 0 ? html`<p class="muted">None placed.</p>` : html`
    <div class="table-wrap"><table data-testid=${testid}>
      <thead><tr><th scope="col">Place</th><th scope="col">Latitude</th><th scope="col">Longitude</th>
        <th scope="col">Results</th><th scope="col">Failed</th><th scope="col">Mean latency</th><th scope="col">Seen</th></tr></thead>
      <tbody>${list.map((p) => html`<tr data-place=${p.name}>
        <td>${p.name}</td><td class="num">${fmt.num(p.latitude, 2)}</td><td class="num">${fmt.num(p.longitude, 2)}</td>
        <td class="num">${fmt.count(p.count)}</td><td class="num">${fmt.count(p.failures)}</td>
        <td class="num">${fmt.ms(p.latency)}</td><td class="small">${[...p.what].slice(0, 5).join(', ')}${p.what.size > 5 ? ', …' : ''}</td></tr>`)}
      </tbody></table></div>`}`;
}

export function GeoMap({ params }) {
  const range = RANGES.find(([k]) => k === params.range) || RANGES[0];
  const type = params.type || '';
  const [typeText, setTypeText] = useState(type);
  const world = useLoad(loadOutlines, []);
  const list = useLoad(() => {
    const to = new Date();
    const from = new Date(to.getTime() - range[2]);
    return get('/api/v1/results' + query({ limit: LIMIT, from: from.toISOString(), to: to.toISOString(), test_type: type }));
  }, [range[0], type]);
  const data = list.data ? places(list.data) : null;
  const w = world.data;
  const max = data ? Math.max(1, ...data.clients.map((p) => p.count), ...data.targets.map((p) => p.count)) : 1;
  const go = (changes) => navigate('/map', { range: range[0], type, ...changes });

  return html`<section>
    <h1 tabindex="-1">Map</h1>
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); go({ type: typeText }); }}>
      <div><label for="map-range">Time range</label>
        <select id="map-range" value=${range[0]} onChange=${(e) => go({ range: e.target.value, type: typeText })}>
          ${RANGES.map(([k, label]) => html`<option value=${k}>${label}</option>`)}
        </select></div>
      <div><label for="map-type">Test type</label>
        <input id="map-type" value=${typeText} onInput=${(e) => setTypeText(e.target.value)} placeholder="any" /></div>
      <div class="filter-actions"><button type="submit">Show</button></div>
    </form>
    <${ErrorBox} error=${world.error || list.error} />
    ${(list.loading && !list.data) || (world.loading && !w) ? html`<${Loading} what="map" />` : data && w && html`
      <p class="muted" data-testid="map-summary">${summary(data)}</p>
      <ul class="map-legend" aria-label="Legend">
        <li><span class="swatch client"></span> client</li><li><span class="swatch target"></span> target</li>
        <li class="muted">circle area: number of results</li></ul>
      <figure class="map-figure">
        <svg viewBox=${`0 0 ${w.width} ${VIEW_HEIGHT_DEGREES * w.scale}`} class="world-map" data-testid="world-map"
             role="group" aria-label="Clients and targets on the world map">
          <g class="countries" aria-hidden="true">${w.countries.map((c) => html`<path d=${c.d}><title>${c.name}</title></path>`)}</g>
          <g class="links" aria-hidden="true">${data.links.map((l) => html`<line
            x1=${(l.from.longitude + 180) * w.scale} y1=${(90 - l.from.latitude) * w.scale}
            x2=${(l.to.longitude + 180) * w.scale} y2=${(90 - l.to.latitude) * w.scale}
            stroke-width=${Math.min(3, 0.5 + l.count / max * 2.5)} />`)}</g>
          <g data-testid="targets">${data.targets.map((p) => html`<${Place} p=${p} kind="target" scale=${w.scale} max=${max} />`)}</g>
          <g data-testid="clients">${data.clients.map((p) => html`<${Place} p=${p} kind="client" scale=${w.scale} max=${max} />`)}</g>
        </svg>
        <figcaption class="muted small">Country outlines: Natural Earth 1:110m (public domain).</figcaption>
      </figure>
      <${PlaceTable} title="Target places" list=${data.targets} testid="target-places" />
      <${PlaceTable} title="Client places" list=${data.clients} testid="client-places" />`}
  </section>`;
}
