import { Controller, Get, Header } from '@nestjs/common';
import fs from 'node:fs';
import path from 'node:path';
import { Public } from '../auth/api-key.guard';

const PAGE = path.resolve(__dirname, '../../src/dashboard/public/index.html');

/** The dashboard shell: a static page that talks to the public API with the user's own key. */
@Controller()
@Public()
export class DashboardController {
  private html?: string;

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  index(): string {
    this.html ??= fs.readFileSync(PAGE, 'utf8');
    return this.html;
  }
}
