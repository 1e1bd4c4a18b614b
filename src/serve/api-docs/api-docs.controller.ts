import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import path from 'node:path';
import type { Response } from 'express';
import { Public } from '../../platform/auth/api-key.guard';
import { AppError } from '../../platform/common/errors/app-error';
import { SAME_ORIGIN_CSP } from '../../platform/common/http/same-origin-csp';
import { DOCS_HTML, SWAGGER_INITIALIZER_JS } from './docs-page';
import { OpenApiDocumentService } from './openapi-document.service';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
/** The files of swagger-ui-dist the page loads; nothing else of the package is served. */
const SWAGGER_UI_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']);

/** `GET /openapi.json` (our OpenAPI document) and `GET /docs` (Swagger UI on it). No API key needed. */
@Controller()
@Public()
export class ApiDocsController {
  constructor(private readonly openApi: OpenApiDocumentService) {}

  @Get('openapi.json')
  @Header('cache-control', 'no-cache')
  document() {
    return this.openApi.get();
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', SAME_ORIGIN_CSP)
  @Header('x-frame-options', 'DENY')
  @Header('x-content-type-options', 'nosniff')
  @Header('referrer-policy', 'no-referrer')
  page(): string {
    return DOCS_HTML;
  }

  @Get('docs/swagger-initializer.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  initializer(): string {
    return SWAGGER_INITIALIZER_JS;
  }

  @Get('docs/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (!SWAGGER_UI_FILES.has(file)) throw AppError.notFound('Docs file', file);
    res.setHeader('x-content-type-options', 'nosniff');
    res.sendFile(path.join(SWAGGER_UI_DIR, file), { headers: { 'cache-control': 'no-cache' } });
  }
}
