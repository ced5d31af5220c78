// How figures and times are written on the page. Missing values show as an em dash, never as 0.

const DASH = '—';

export function num(v, digits = 1) {
  return v === undefined || v === null || !Number.isFinite(v) ? DASH : v.toFixed(digits);
}

export function ms(v) {
  return v === undefined || v === null ? DASH : `${num(v, v < 10 ? 2 : 1)} ms`;
}

export function mbps(v) {
  return v === undefined || v === null ? DASH : `${num(v, v < 10 ? 2 : 1)} Mbit/s`;
}

export function pct(v, digits = 1) {
  return v === undefined || v === null ? DASH : `${num(v, digits)} %`;
}

/** A ratio 0..1 as a percentage. */
export function rate(v) {
  return v === undefined || v === null ? DASH : `${(v * 100).toFixed(1)} %`;
}

export function count(v) {
  return v === undefined || v === null ? DASH : Number(v).toLocaleString('en');
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** A time in the viewer's zone as YYYY-MM-DD HH:MM:SS. */
export function time(iso) {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** How long ago, from a number of seconds. */
export function ago(seconds) {
  if (seconds === undefined || seconds === null) return 'never';
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

/** A value for a datetime-local input (local time, minutes). */
export function localInput(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
