import fs from 'node:fs';
import path from 'node:path';

/**
 * The `postgres` user cannot pass through a folder closed to others (a checkout under /root, mode 0700):
 * initdb would fail with a bare "permission denied" far from the cause, so name the folder and the ways out.
 */
export function assertReachableByOthers(target: string, what: string): void {
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `Running as root, the embedded PostgreSQL runs as the user "postgres", which cannot reach ${what} (${target}): ` +
          `${dir} is closed to other users. Run Latchkey as a regular user, or keep the checkout and DATA_DIR outside ${dir} ` +
          `(e.g. under /srv or /opt), or set DATABASE_URL to a PostgreSQL of your own.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}
