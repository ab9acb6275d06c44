/** A hand-drawn canvas line chart of the last N samples: no library, works offline. */

export interface Series {
  color: string;
  values: number[];
}

export function drawChart(canvas: HTMLCanvasElement, series: Series[], capacity: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  const pad = 24;
  ctx.clearRect(0, 0, width, height);
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const top = niceCeiling(max);
  ctx.strokeStyle = '#e3e6eb';
  ctx.fillStyle = '#667085';
  ctx.font = '18px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (let i = 0; i <= 2; i++) {
    const y = pad + ((height - 2 * pad) * i) / 2;
    ctx.beginPath();
    ctx.moveTo(pad * 2, y);
    ctx.lineTo(width, y);
    ctx.stroke();
    ctx.fillText(String(Number((top * (1 - i / 2)).toFixed(1))), 0, y + 6);
  }
  const step = (width - pad * 2) / Math.max(1, capacity - 1);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 3;
    ctx.beginPath();
    s.values.forEach((value, i) => {
      const x = pad * 2 + (capacity - s.values.length + i) * step;
      const y = pad + (height - 2 * pad) * (1 - value / top);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
}

function niceCeiling(n: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= n) return m * magnitude;
  return 10 * magnitude;
}
