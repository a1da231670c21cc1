import { html, SafeHtml } from './html';

const STYLE = `
*{box-sizing:border-box}
html{color-scheme:light}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px;
  font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2430;
  background:linear-gradient(160deg,#eef2f8 0%,#dfe6f1 100%)}
.card{width:100%;max-width:420px;background:#fff;border-radius:14px;padding:32px 32px 24px;
  box-shadow:0 1px 2px rgba(16,24,40,.06),0 12px 32px rgba(16,24,40,.12)}
.eyebrow{margin:0 0 6px;font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:#667085}
h1{margin:0 0 6px;font-size:22px;line-height:1.3}
.lead{margin:0 0 20px;color:#475467}
label{display:block;margin:0 0 14px;font-weight:600;font-size:13px;color:#344054}
input[type=text],input[type=password]{display:block;width:100%;margin-top:6px;padding:10px 12px;font:inherit;
  border:1px solid #d0d5dd;border-radius:8px;background:#fff;color:inherit}
input:focus{outline:none;border-color:#3b5bdb;box-shadow:0 0 0 3px rgba(59,91,219,.18)}
button{font:inherit;font-weight:600;padding:10px 16px;border-radius:8px;border:1px solid transparent;cursor:pointer}
.primary{background:#3b5bdb;color:#fff}
.primary:hover{background:#324cc0}
.secondary{background:#fff;color:#344054;border-color:#d0d5dd}
.secondary:hover{background:#f5f6f8}
.full{width:100%;margin-top:6px}
.actions{display:flex;gap:10px;justify-content:flex-end;margin-top:20px}
.actions button{flex:1}
.alert{margin:0 0 16px;padding:10px 12px;border-radius:8px;background:#fef3f2;border:1px solid #fecdca;color:#b42318;font-size:14px}
.scopes{list-style:none;margin:0;padding:0;border:1px solid #eaecf0;border-radius:10px}
.scopes li{padding:12px 14px;border-top:1px solid #eaecf0}
.scopes li:first-child{border-top:0}
.scopes strong{display:block;font-size:14px}
.scopes code{font-size:12px;color:#667085}
.badge{display:inline-block;margin-left:6px;padding:0 6px;border-radius:999px;background:#eef4ff;color:#3538cd;font-size:11px;font-weight:600;vertical-align:middle}
.fine{margin:18px 0 0;font-size:12px;color:#667085;overflow-wrap:anywhere}
.devices{list-style:none;margin:0 0 20px;padding:0;border:1px solid #eaecf0;border-radius:10px}
.devices li{display:flex;gap:10px;align-items:center;justify-content:space-between;padding:10px 14px;border-top:1px solid #eaecf0}
.devices li:first-child{border-top:0}
.devices form{margin:0}
.secret{display:block;width:100%;margin:4px 0 8px;padding:8px;font:12px ui-monospace,monospace;overflow-wrap:anywhere;background:#f5f6f8;border-radius:6px}
.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;color:#667085}
`;

/**
 * The shell of every hosted page: self-contained (inline CSS, no external
 * assets, never an inline script); `scripts` are same-origin files (CSP `script-src 'self'`).
 */
export function renderPage(title: string, body: SafeHtml, scripts: readonly string[] = [], head: SafeHtml | '' = ''): string {
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
${head}<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main class="card">${body}</main>
${scripts.map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>`}`;
}
