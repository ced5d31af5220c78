// A result object (docs/RESULTS.md) as the terminal reports show it: the peer tool's summary lines (ping, traceroute,
// mtr, dig …), every measured figure under a label with its unit and rounded to what it can mean, a hop table and
// dig's answer section. Pure functions of the result; the views render what these return. Field names never reach
// the page: a field this file does not know is labelled from its name and formatted by its unit suffix.

import { bytes, count, duration, ms, ms3, percent, rate, sig3 } from './format.js';

/** Below this an HTTP body moves in a round trip or two, and bytes over time says nothing about the path. */
const RATE_MIN_BODY_BYTES = 1 << 20;

const days = (n) => count(n, 'day');
const text = (v) => String(v);
const localTime = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
};

/**
 * Every field of the result object a page shows, in the order shown: label and formatter. Fields shown elsewhere
 * (the heading's type, target and outcome; hops; raw_results) are not here.
 */
const FIELDS = [
  ['target_ip', 'Address', text],
  ['target_port', 'Port', text],
  ['protocol_detail', 'Protocol', text],
  ['status_code', 'HTTP status', text],
  ['tls_version', 'TLS version', text],
  ['server_version', 'Server', text],
  ['cert_days_left', 'Certificate expires in', days],
  ['path_mtu_bytes', 'Path MTU', (v) => `${v} bytes`],
  ['hop_count', 'Hops to the destination', text],
  ['packets_sent', 'Sent', text],
  ['packets_received', 'Answered', text],
  ['packet_loss_percent', 'Loss', percent],
  ['duplicate_packets', 'Duplicates', text],
  ['reordered_packets', 'Reordered', text],
  ['latency_ms', 'Latency, mean', ms],
  ['min_latency_ms', 'Latency, min', ms],
  ['p50_latency_ms', 'Latency, median', ms],
  ['p95_latency_ms', 'Latency, 95th percentile', ms],
  ['p99_latency_ms', 'Latency, 99th percentile', ms],
  ['max_latency_ms', 'Latency, max', ms],
  ['stddev_latency_ms', 'Latency, std deviation', ms],
  ['jitter_ms', 'Jitter (RFC 3550)', ms],
  ['ipdv_ms', 'Delay variation (mean difference)', ms],
  ['dns_ms', 'DNS lookup', ms],
  ['connect_ms', 'TCP connect', ms],
  ['tls_ms', 'TLS handshake', ms],
  ['request_ms', 'Request sent', ms],
  ['ttfb_ms', 'Time to first byte', ms],
  ['transfer_ms', 'Transfer', ms],
  ['total_time_ms', 'Total time', ms],
  ['loaded_latency_ms', 'Latency under load', ms],
  ['rpm', 'Responsiveness', (v) => `${Math.round(v)} RPM`],
  ['download_mbps', 'Download', rate],
  ['upload_mbps', 'Upload', rate],
  ['throughput_mbps', 'Throughput', rate],
  ['received_bytes', 'Data received', bytes],
  ['sent_bytes', 'Data sent', bytes],
  ['retransmits', 'TCP retransmits', (v) => (v < 0 ? 'not known' : text(v))],
  ['started_at', 'Started', localTime],
  ['duration_ms', 'Took', duration],
  ['tier', 'Tier', text],
];

/** The latency set's spread, left out when every sample was the same. */
const SPREAD = new Set(['min_latency_ms', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'max_latency_ms',
  'stddev_latency_ms']);

/** Shown in the heading or in a section of their own, or not a figure at all. */
const ELSEWHERE = new Set(['id', 'test_type', 'target', 'target_host', 'success', 'error', 'source', 'device',
  'raw_results', 'hops', 'intervals']);

/** How a value with this name's unit suffix reads (docs/RESULTS.md: names carry their unit). */
const SUFFIXES = [
  ['_ms', 'ms', ms], ['_mbps', 'mbps', rate], ['_bytes', 'bytes', bytes], ['_percent', 'percent', percent],
  ['_seconds', 'seconds', (v) => `${sig3(v)} s`],
];

/** Labels of the probes' own facts (raw_results) whose names do not read well as words. */
const RAW_LABELS = {
  ip_version: 'IP version', proto: 'Probe protocol', method: 'Socket', ttl: 'TTL', reply_ttl: 'Reply TTL',
  rcode: 'Response code', sni: 'Server name (SNI)', tls_library: 'TLS library', max_hops: 'Most hops tried', probes_per_hop: 'Probes per hop',
};

/** A label from a field name: its unit suffix off, underscores as spaces, first letter up. */
function labelOf(name) {
  if (RAW_LABELS[name]) return RAW_LABELS[name];
  const suffix = SUFFIXES.find(([s]) => name.endsWith(s));
  const words = (suffix ? name.slice(0, -suffix[0].length) : name).replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value of a field no table names: by its unit suffix, numbers rounded, booleans as yes/no. */
function valueOf(name, v) {
  const suffix = SUFFIXES.find(([s]) => name.endsWith(s));
  if (typeof v === 'number' && suffix) return suffix[2](v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : sig3(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

function shown(v) {
  return v !== null && v !== undefined && typeof v !== 'object';
}

/** The measured figures, labelled, with units: [label, text] pairs. */
export function figures(r) {
  const rows = [];
  const known = new Set(FIELDS.map(([k]) => k));
  // one sample (or all alike): its min, max and percentiles are the mean again, and say nothing more
  const flat = r.min_latency_ms != null && r.min_latency_ms === r.max_latency_ms;
  for (const [key, label, format] of FIELDS) {
    const v = r[key];
    if (!shown(v) || (flat && SPREAD.has(key))) continue;
    // a rate over a small HTTP body is a round trip in disguise (as the terminal report leaves it out)
    if (key === 'throughput_mbps' && r.test_type === 'http' && !(r.received_bytes >= RATE_MIN_BODY_BYTES)) continue;
    rows.push([label, format(v)]);
  }
  for (const [key, v] of Object.entries(r)) {
    if (!known.has(key) && !ELSEWHERE.has(key) && shown(v)) rows.push([labelOf(key), valueOf(key, v)]);
  }
  if (r.id) rows.push(['Result id', r.id]);
  return rows;
}

/** The probe's own facts (raw_results) that are single values, labelled from their names. */
export function details(r) {
  const raw = r.raw_results ?? {};
  return Object.entries(raw).filter(([, v]) => shown(v)).map(([k, v]) => [labelOf(k), valueOf(k, v)]);
}

/** host:port (ip), as the terminal reports name a target. */
function where(r, withPort) {
  const host = r.target_host ?? r.target;
  let s = host.includes(':') && withPort && r.target_port != null ? `[${host}]` : host;
  if (withPort && r.target_port != null) s += `:${r.target_port}`;
  if (r.target_ip && r.target_ip !== host) s += ` (${r.target_ip})`;
  return s;
}

/** ping's tally line: "5 packets transmitted, 5 received, 0% packet loss, time 1073ms". */
function tally(r, sentText, receivedWord, lossWord) {
  const parts = [sentText, `${r.packets_received ?? 0} ${receivedWord}`];
  if (r.duplicate_packets > 0) parts.push(`+${r.duplicate_packets} duplicates`);
  if (r.reordered_packets > 0) parts.push(`${r.reordered_packets} reordered`);
  parts.push(`${percent(r.packet_loss_percent ?? 0)} ${lossWord}`, `time ${Math.round(r.duration_ms)}ms`);
  return parts.join(', ');
}

/** "rtt min/avg/max/mdev = 0.004/0.019/0.025/0.008 ms". */
function latency(label, r) {
  if (r.latency_ms == null) return null;
  if (r.min_latency_ms == null || r.max_latency_ms == null) return `${label} avg = ${ms3(r.latency_ms)} ms`;
  return `${label} min/avg/max/mdev = ${ms3(r.min_latency_ms)}/${ms3(r.latency_ms)}/${ms3(r.max_latency_ms)}/`
    + `${ms3(r.stddev_latency_ms ?? 0)} ms`;
}

/** "rtt p50/p95/p99 = …, jitter …, ipdv …". */
function spread(label, r) {
  const parts = [];
  if (r.p50_latency_ms != null && r.p95_latency_ms != null) {
    parts.push(r.p99_latency_ms == null
      ? `${label} p50/p95 = ${ms3(r.p50_latency_ms)}/${ms3(r.p95_latency_ms)} ms`
      : `${label} p50/p95/p99 = ${ms3(r.p50_latency_ms)}/${ms3(r.p95_latency_ms)}/${ms3(r.p99_latency_ms)} ms`);
  }
  if (r.jitter_ms != null) parts.push(`jitter ${ms(r.jitter_ms)}`);
  if (r.ipdv_ms != null) parts.push(`ipdv ${ms(r.ipdv_ms)}`);
  return parts.length ? parts.join(', ') : null;
}

function traceHeading(r) {
  const raw = r.raw_results ?? {};
  let s = `traceroute to ${where(r, false)}`;
  if (raw.max_hops != null) s += `, ${raw.max_hops} hops max`;
  if (raw.probes_per_hop != null) s += `, ${count(raw.probes_per_hop, 'probe')} each`;
  const proto = raw.proto ?? r.protocol_detail;
  if (proto) s += `, ${proto}${(proto === 'tcp' || proto === 'udp') && r.target_port != null ? ` port ${r.target_port}` : ''}`;
  return s;
}

function mtuLine(r) {
  const raw = r.raw_results ?? {};
  const to = where(r, false);
  if (raw.limited_by === 'range_max' && raw.local_interface_mtu_bytes !== raw.max_bytes) {
    return `path MTU to ${to}: at least ${r.path_mtu_bytes} bytes, the largest size searched`;
  }
  return `path MTU to ${to}: ${r.path_mtu_bytes} bytes`;
}

/** The summary lines the peer tool would print for this result (none for a failure: the heading says why). */
export function summary(r) {
  if (!r.success) return [];
  const sent = r.packets_sent ?? 0;
  const lines = (() => {
    switch (r.test_type) {
      case 'tcp':
        return [`--- ${where(r, true)} tcp connect statistics ---`,
          tally(r, count(sent, 'connection attempt'), 'established', 'failed'),
          latency('connect', r), spread('connect', r)];
      case 'icmp':
        return [`--- ${where(r, false)} ping statistics ---`,
          tally(r, `${count(sent, 'packet')} transmitted`, 'received', 'packet loss'),
          latency('rtt', r), spread('rtt', r)];
      case 'udp':
        return [`--- ${where(r, true)} udp echo statistics ---`,
          tally(r, `${count(sent, 'packet')} transmitted`, 'received', 'packet loss'),
          latency('rtt', r), spread('rtt', r)];
      case 'udp_raw':
        return [`--- ${where(r, true)} udp statistics ---`,
          tally(r, `${count(sent, 'datagram')} sent`, 'answered', 'unanswered'),
          latency('reply delay', r), spread('reply delay', r)];
      case 'dns': {
        const raw = r.raw_results ?? {};
        return [`;; status: ${raw.rcode ?? '?'}, ANSWER: ${(raw.answers ?? []).length}`,
          `;; Query time: ${ms(r.dns_ms ?? r.latency_ms)}`
            + (sent > 1 ? ` (mean of ${r.packets_received} answered of ${count(sent, 'query')})` : ''),
          `;; SERVER: ${r.target_ip ?? r.target_host}#${r.target_port}${raw.transport ? ` (${String(raw.transport).toUpperCase()})` : ''}`];
      }
      case 'tls':
        return [`${r.target}  ${r.tls_version ?? ''}`.trim(), latency('connect+handshake', r)];
      case 'http':
        return [`${r.target}  ${r.status_code ?? ''}  ${(r.protocol_detail ?? '').toUpperCase()}`
          + `${r.received_bytes != null ? `  ${bytes(r.received_bytes)} body` : ''}`,
        sent > 1 ? `${count(sent, 'request')}, ${r.packets_received} answered; ${latency('total', r)}` : null];
      case 'ssh':
        return [`${r.target}  ${r.server_version ?? ''}`.trim(), latency('echo rtt', r), spread('echo rtt', r)];
      case 'traceroute':
      case 'http_trace':
      case 'tcp_trace':
      case 'udp_trace':
        return [traceHeading(r), r.hop_count != null ? `destination reached in ${count(r.hop_count, 'hop')}` : null];
      case 'mtr': {
        const cycles = r.raw_results?.cycles;
        return [`mtr to ${where(r, false)}  ${r.protocol_detail ?? ''}${cycles != null ? `, ${count(cycles, 'cycle')}` : ''}`];
      }
      case 'mtu':
        return [mtuLine(r)];
      default:
        return [];
    }
  })();
  return lines.filter((l) => l);
}

/** The hop table's columns: label, and how a hop's value reads. */
export const HOP_COLUMNS = [
  ['Hop', (h) => String(h.hop)],
  ['Host', (h) => (h.ip == null ? '* * *' : h.hostname && h.hostname !== h.ip ? `${h.hostname} (${h.ip})` : h.ip)],
  ['Loss', (h) => (h.loss_percent == null ? '' : percent(h.loss_percent))],
  ['Sent', (h) => (h.sent == null ? '' : String(h.sent))],
  ['Last (ms)', (h) => (h.last_ms == null ? '' : ms3(h.last_ms))],
  ['Avg (ms)', (h) => (h.avg_ms == null ? '' : ms3(h.avg_ms))],
  ['Best (ms)', (h) => (h.best_ms == null ? '' : ms3(h.best_ms))],
  ['Worst (ms)', (h) => (h.worst_ms == null ? '' : ms3(h.worst_ms))],
  ['StDev (ms)', (h) => (h.stddev_ms == null ? '' : ms3(h.stddev_ms))],
];

/** The hop table's cells, a row per hop; empty without hops. */
export function hopRows(r) {
  return (r.hops ?? []).map((h) => HOP_COLUMNS.map(([, cell]) => cell(h)));
}

/** dig's answer section: name, TTL, class, type, data per record; empty without answers. */
export function answers(r) {
  return (r.raw_results?.answers ?? []).map((a) => [a.name, String(a.ttl), 'IN', a.type, a.data]);
}
