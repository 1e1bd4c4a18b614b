import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import { Public } from '../../platform/auth/api-key.guard';
import { AppError } from '../../platform/common/errors/app-error';
import { SAME_ORIGIN_CSP } from '../../platform/common/http/same-origin-csp';

/** The dashboard's files, in the source tree (the Docker image copies src/serve/dashboard/public too). */
export const DASHBOARD_DIR = path.resolve(__dirname, '../../../src/serve/dashboard/public');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A plain file name of the public folder: no slashes, no dot-segments, a known extension. */
const FILE_NAME = /^[a-z0-9][a-z0-9-]*\.(html|js|css|json|svg)$/;

interface StaticFile {
  body: Buffer;
  etag: string;
  type: string;
}

/**
 * The web dashboard: static files (no build step) that talk to the public API with the user's own key,
 * so the pages themselves need none. `GET /` is the shell, `GET /dashboard/<file>` its scripts and styles.
 * Files are revalidated on every load (no-cache + ETag): they are tiny and change with each release.
 */
@Controller()
@Public()
export class DashboardController {
  private readonly cache = new Map<string, StaticFile>();
  private readonly dir = DASHBOARD_DIR;

  @Get()
  index(@Req() req: Request, @Res() res: Response): void {
    this.send(req, res, 'index.html');
  }

  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Req() req: Request, @Res() res: Response): void {
    if (!FILE_NAME.test(file) || file === 'index.html') throw AppError.notFound('Dashboard file', file);
    this.send(req, res, file);
  }

  private send(req: Request, res: Response, name: string): void {
    const file = this.load(name);
    if (!file) throw AppError.notFound('Dashboard file', name);
    res.setHeader('content-type', file.type);
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('etag', file.etag);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (name.endsWith('.html')) {
      res.setHeader('content-security-policy', SAME_ORIGIN_CSP);
      res.setHeader('x-frame-options', 'DENY');
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.status(304).end();
      return;
    }
    res.status(200).end(file.body);
  }

  /** Reads a file of the public folder once; anything that resolves outside it is refused. */
  private load(name: string): StaticFile | undefined {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const full = path.resolve(this.dir, name);
    if (path.dirname(full) !== this.dir) return undefined;
    let body: Buffer;
    try {
      const stat = fs.lstatSync(full);
      if (!stat.isFile()) return undefined;
      body = fs.readFileSync(full);
    } catch {
      return undefined;
    }
    const file = {
      body,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`,
      type: TYPES[path.extname(name)] ?? 'application/octet-stream',
    };
    this.cache.set(name, file);
    return file;
  }
}
