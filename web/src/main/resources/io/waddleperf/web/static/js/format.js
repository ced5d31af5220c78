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
