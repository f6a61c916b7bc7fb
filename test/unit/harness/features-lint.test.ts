/** Every scenario carries a unique @id:<uuid> tag (its Allure id), and lives in its area's folder. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', 'features');
const AREAS = ['identity', 'compute', 'image', 'network', 'block-storage', 'object-storage', 'orchestration', 'quotas',
  'availability-zones', 'cells', 'regions', 'upgrades', 'security', 'dashboard'];

describe('feature files', () => {
  const files = readdirSync(ROOT, { recursive: true }).map(String).filter((f) => f.endsWith('.feature'));
  it('exist', () => assert.ok(files.length > 0));
  it('sit in a known area folder', () => {
    for (const f of files) assert.ok(AREAS.includes(f.split('/')[0]), `${f} is not in an area folder`);
  });
  it('give every scenario a unique @id:<uuid>', () => {
    const seen = new Map<string, string>();
    for (const f of files) {
      const lines = readFileSync(join(ROOT, f), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/^\s*Scenario( Outline)?:/.test(line)) return;
        const tags = lines[i - 1] ?? '';
        const m = /@id:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.exec(tags);
        assert.ok(m, `${f}:${i + 1} "${line.trim()}" has no @id:<uuid> tag on the line above`);
        assert.ok(!seen.has(m[1]), `${f}:${i + 1} reuses the @id of ${seen.get(m[1])}`);
        seen.set(m[1], `${f}:${i + 1}`);
      });
    }
  });
});
