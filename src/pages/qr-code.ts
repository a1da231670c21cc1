import { create } from 'qrcode';

/**
 * A QR code of `text` as an SVG `data:` URL, built server-side and synchronously from the `qrcode`
 * package's module matrix: one path of unit squares, a 4-module quiet zone. Shown in an `<img>`,
 * which needs `img-src data:` in the page's CSP (nothing else: no script, no external fetch).
 */
export function qrCodeDataUrl(text: string): string {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const margin = 4;
  const size = modules.size + margin * 2;
  let path = '';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) path += `M${col + margin} ${row + margin}h1v1h-1z`;
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><path fill="#fff" d="M0 0h${size}v${size}H0z"/><path fill="#000" d="${path}"/></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
