// Number formatting for display; the views show only values that were measured, so null means "not measured".

export const DASH = '—';

/** Mbit/s with precision that suits the magnitude (three significant digits or whole numbers). */
export function fmtMbps(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function fmtMs(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function fmtBytes(v) {
  if (v === null || v === undefined) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
}

export function fmtSeconds(ms) {
  return ms === null || ms === undefined ? DASH : `${(ms / 1000).toFixed(1)} s`;
}

// The terminal reports' units (the CLI's report Units), so a result reads the same in the browser as on a terminal:
// three significant digits, rates in decimal bit/s, amounts of data in binary units.

/** Three significant digits, never finer than a thousandth: 0.019, 1.00, 38.6, 214, 2005. */
export function sig3(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const decimals = a < 1 ? 3 : a < 10 ? 2 : a < 100 ? 1 : 0;
  let s = v.toFixed(decimals);
  // a value that rounds up into the next decade (0.9997 -> 1.000) takes that decade's decimals
  if (decimals > 0 && Math.abs(Number(s)) >= 10 ** (3 - decimals)) s = v.toFixed(decimals - 1);
  return s;
}

/** Milliseconds: 0.019 ms, 38.6 ms. */
export function ms(v) {
  return `${sig3(v)} ms`;
}

/** Milliseconds with three decimals, as ping prints round-trip times. */
export function ms3(v) {
  return v.toFixed(3);
}

/** A rate given in 10^6 bit/s: 812 kbit/s, 1.02 Mbit/s, 2.91 Gbit/s. */
export function rate(mbps) {
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let bits = mbps * 1e6;
  let u = 0;
  while (Math.abs(bits) >= 999.5 && u < units.length - 1) { bits /= 1000; u++; }
  return `${sig3(bits)} ${units[u]}`;
}

/** An amount of data: 47 B, 1.25 KiB, 396 MiB. */
export function bytes(n) {
  if (Math.abs(n) < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / 1024;
  let u = 0;
  while (Math.abs(v) >= 1023.5 && u < units.length - 1) { v /= 1024; u++; }
  return `${sig3(v)} ${units[u]}`;
}

/** A share: 0%, 5%, 33.3%, 0.05%. */
export function percent(p) {
  if (p === Math.round(p)) return `${p.toFixed(0)}%`;
  return `${p.toFixed(Math.abs(p) < 0.1 ? 2 : 1)}%`;
}

/** A duration from milliseconds: milliseconds below a second, else seconds (0.54 s, 10.1 s). */
export function duration(v) {
  return Math.abs(v) < 1000 ? ms(v) : `${sig3(v / 1000)} s`;
}

/** A count with its noun: 1 hop, 3 hops, 2 replies. */
export function count(n, noun) {
  if (n === 1) return `${n} ${noun}`;
  const consonantY = noun.length > 1 && noun.endsWith('y') && !'aeiou'.includes(noun[noun.length - 2]);
  const plural = consonantY ? `${noun.slice(0, -1)}ies` : noun.endsWith('s') || noun.endsWith('x') ? `${noun}es` : `${noun}s`;
  return `${n} ${plural}`;
}
