import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/installer/apply-plan.js';
import { onCleanup } from '../helpers/cleanup.js';

describe('applyPlan', () => {
  it('leaves no signal listeners behind, even for writes run back to back (the MaxListenersExceededWarning of the test runs)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'apply-plan-'));
    onCleanup(() => rmSync(root, { recursive: true, force: true }));
    const baseline = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    for (let i = 0; i < 15; i++) {
      const result = await applyPlan(root, [{ path: `config/file-${i}.php`, before: null, after: `<?php // ${i}\n`, why: 'test' }]);
      expect(result).toEqual({ ok: true, written: [`config/file-${i}.php`] });
      expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(baseline);
    }
    expect(readFileSync(join(root, 'config/file-14.php'), 'utf8')).toBe('<?php // 14\n');
  });
});
