// A speedometer-style gauge drawn as an SVG arc. The scale is logarithmic (1 Mbit/s to 100 Gbit/s) so one gauge
// reads a DSL line and a data-centre link alike without rescaling mid-test.

import { html } from '../html.js';
import { fmtMbps } from '../format.js';

const MAX_MBPS = 100000;
const R = 90;
const CX = 120;
const CY = 120;
const START = Math.PI; // left end of a half circle
const ARC_LENGTH = Math.PI * R;

const fraction = (mbps) => (mbps > 0 ? Math.min(1, Math.log10(1 + mbps) / Math.log10(1 + MAX_MBPS)) : 0);

export function Gauge({ mbps, label, direction }) {
  const path = `M ${CX + R * Math.cos(START)} ${CY - R * Math.sin(START)} A ${R} ${R} 0 0 1 ${CX + R} ${CY}`;
  const f = fraction(mbps ?? 0);
  return html`
    <div class="gauge" aria-live="polite">
      <svg viewBox="0 0 240 150" role="img" aria-label=${`${label}: ${fmtMbps(mbps)} Mbit/s`}>
        <path d=${path} class="track" fill="none" stroke-width="16" stroke-linecap="round" />
        <path d=${path} class=${direction === 'up' ? 'value-up' : 'value-down'} fill="none" stroke-width="16"
          stroke-linecap="round" stroke-dasharray=${`${f * ARC_LENGTH} ${ARC_LENGTH}`} />
        <text x=${CX} y=${CY - 14} text-anchor="middle" font-size="34" data-testid="gauge-value">${fmtMbps(mbps)}</text>
        <text x=${CX} y=${CY + 8} text-anchor="middle" class="unit">Mbit/s</text>
        <text x=${CX} y=${CY + 26} text-anchor="middle" class="unit">${label}</text>
      </svg>
    </div>`;
}
