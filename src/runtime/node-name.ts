import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This node's name in a cluster: the host and its data dir, so it is the same after a restart (the
 * node takes its own interrupted jobs back at once) and differs between nodes.
 */
export function nodeName(dataDir: string): string {
  return `${hostname()}:${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
}
