type Json = Record<string, unknown>;

/**
 * The API reference page: the OpenAPI document rendered to HTML on the server, once. No script at
 * all and one same-origin-free inline-less style sheet, so the page works offline under a CSP of
 * `default-src 'none'`.
 */
export const REFERENCE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const REFERENCE_CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:1rem 2rem;color:#1b1f24}
h1{margin-bottom:0}h2{border-bottom:1px solid #ccc;margin-top:2.5rem}code,pre{font:13px ui-monospace,monospace}
pre{background:#f5f6f8;padding:.6rem;overflow:auto;border-radius:4px}.op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.4rem 1rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}.get{color:#0a6}.post{color:#06c}.delete{color:#c20}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}nav a{margin-right:1rem}`;

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const json = (v: unknown) => `<pre>${esc(JSON.stringify(v, null, 2))}</pre>`;

function operationHtml(method: string, path: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[];
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>);
  const body = op.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
  const security = (op.security as Json[]).map((s) => Object.keys(s)[0]).join(', ') || 'none';
  return `<section class="op" id="${esc(op.operationId)}"><h3><span class="m ${esc(method)}">${esc(method)}</span><code>${esc(path)}</code></h3>
<p>${esc(op.summary)}${op.description ? `<br>${esc(op.description)}` : ''}</p><p>Authentication: ${esc(security)}</p>
${params.length ? `<table><tr><th>Parameter</th><th>In</th><th>Required</th><th>Description</th></tr>${params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${esc(p.description ?? '')}</td></tr>`).join('')}</table>` : ''}
${
  body
    ? Object.entries(body.content)
        .map(([type, c]) => `<h4>Body (${esc(type)})</h4>${json(c.schema)}`)
        .join('')
    : ''
}
<h4>Responses</h4><table>${responses.map(([status, r]) => `<tr><td>${esc(status)}</td><td>${esc(r.description)}</td></tr>`).join('')}</table></section>`;
}

export function renderReferencePage(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags as string[])[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  }
  const tags = [...byTag.keys()].sort();
  const schemes = (doc.components as { securitySchemes: Record<string, Json> }).securitySchemes;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} reference</title>
<link rel="stylesheet" href="/docs/api.css"></head><body><h1>${esc(info.title)} ${esc(info.version)}</h1>
<p>${esc(info.description)} The machine-readable document: <a href="/v1/openapi.json">/v1/openapi.json</a>.</p>
<nav>${tags.map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join('')}</nav>
<h2>Authentication</h2><table>${Object.entries(schemes)
    .map(([name, s]) => `<tr><td><code>${esc(name)}</code></td><td>${esc(s.description)}</td></tr>`)
    .join('')}</table>
${tags.map((t) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${(byTag.get(t) ?? []).join('\n')}`).join('\n')}
<h2>Schemas</h2>${Object.entries((doc.components as { schemas: Json }).schemas)
    .map(([name, s]) => `<h3 id="schema-${esc(name)}">${esc(name)}</h3>${json(s)}`)
    .join('')}
</body></html>`;
}
