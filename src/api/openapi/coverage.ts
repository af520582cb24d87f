/** What is read of a @koa/router Router: its layers (nested routers' layers are copied in, prefixed). */
interface Routes {
  stack: ReadonlyArray<{ path: string | RegExp; methods: string[] }>;
}
import type { RouteDoc } from './route-doc.js';

/** `GET /v1/jobs/{id}` for every method of every route on the routers (HEAD comes with GET). */
export function registeredRoutes(routers: Routes[]): string[] {
  const out = new Set<string>();
  for (const router of routers) {
    for (const layer of router.stack) {
      const path = String(layer.path).replace(/:(\w+)/g, '{$1}');
      for (const m of layer.methods) if (m !== 'HEAD') out.add(`${m} ${path}`);
    }
  }
  return [...out].sort();
}

/** Routes served but not documented, and documented but not served: both must be empty. */
export function documentDrift(
  routers: Routes[],
  docs: RouteDoc[],
): { undocumented: string[]; unserved: string[] } {
  const served = registeredRoutes(routers);
  const documented = new Set(docs.map((d) => `${d.method.toUpperCase()} ${d.path}`));
  return {
    undocumented: served.filter((r) => !documented.has(r)),
    unserved: [...documented].filter((r) => !served.includes(r)).sort(),
  };
}
