import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertReachableByOthers } from '../../src/platform/database/reachable-by-others';

describe('the embedded PostgreSQL run as root', () => {
  let base: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-reach-'));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('names the folder the postgres user cannot pass through, and the ways out', () => {
    const closed = path.join(base, 'home');
    fs.mkdirSync(path.join(closed, 'latchkey', '.data'), { recursive: true });
    fs.chmodSync(closed, 0o700);
    fs.chmodSync(base, 0o755);
    const target = path.join(closed, 'latchkey', '.data', 'postgres');
    expect(() => assertReachableByOthers(target, 'the data folder')).toThrow(`${closed} is closed to other users`);
    expect(() => assertReachableByOthers(target, 'the data folder')).toThrow(/regular user|DATABASE_URL/);
  });

  it('lets a path through when every folder above it is open to others', () => {
    const open = path.join(base, 'srv', 'latchkey', '.data');
    fs.mkdirSync(open, { recursive: true });
    fs.chmodSync(base, 0o755);
    fs.chmodSync(path.join(base, 'srv'), 0o755);
    fs.chmodSync(path.join(base, 'srv', 'latchkey'), 0o755);
    fs.chmodSync(open, 0o711);
    expect(() => assertReachableByOthers(path.join(open, 'postgres'), 'the data folder')).not.toThrow();
  });
});
