import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ApiDocsController } from './api-docs.controller';
import { OpenApiDocumentService } from './openapi-document.service';
import { RouteDiscovery } from './route-discovery';

/** Our own OpenAPI document and the interactive docs on it (API.md §1). */
@Module({
  imports: [DiscoveryModule],
  controllers: [ApiDocsController],
  providers: [RouteDiscovery, OpenApiDocumentService],
})
export class ApiDocsModule {}
