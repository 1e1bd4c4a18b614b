import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createAppfolioSandbox } from './appfolio/appfolio-sandbox';
import { createBuildiumSandbox } from './buildium/buildium-sandbox';
import { createEntrataSandbox } from './entrata/entrata-sandbox';
import { createPropertywareRestSandbox } from './propertyware-rest/propertyware-rest-sandbox';
import { createYardiSandbox } from './yardi/yardi-sandbox';

/**
 * Mounts the vendor simulators under /sandbox/<slug>/ on the app's port (SANDBOX=true only; main.ts
 * imports this file lazily so production code paths never load it).
 */
export function mountSandboxes(app: INestApplication): string[] {
  const sandboxes = {
    buildium: createBuildiumSandbox(),
    'propertyware-rest': createPropertywareRestSandbox(),
    appfolio: createAppfolioSandbox(),
    yardi: createYardiSandbox(),
    entrata: createEntrataSandbox(),
  };
  for (const [slug, sandbox] of Object.entries(sandboxes)) {
    app.use(`/sandbox/${slug}`, (req: Request, res: Response, next: NextFunction) => {
      if (!sandbox.handle(req, res, req.url)) next();
    });
  }
  return Object.keys(sandboxes);
}
