import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/observability/metrics.js';

/** config/: the operator assets stay valid and name only metrics the server exports. */
describe('config/prometheus/voicereel-alerts.yml', () => {
  const file = 'config/prometheus/voicereel-alerts.yml';

  it('passes promtool check rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('names only metrics the server exports', async () => {
    const metrics = new Metrics({ jobCounts: async () => [], pools: () => ({}) });
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    const rules = readFileSync(file, 'utf8');
    const named = new Set(
      [...rules.matchAll(/\b(voicereel_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]),
    );
    expect(named.size).toBeGreaterThan(4);
    for (const name of named) expect(exported, name).toContain(name);
  });
});
