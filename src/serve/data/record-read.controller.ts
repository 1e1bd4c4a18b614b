import { Controller, Get, Header, Param, Query, type Type } from '@nestjs/common';
import { CANONICAL_MODEL_NAMES, CANONICAL_MODELS, type CanonicalModelName } from '../../catalogue/canonical-models';
import { OrgId } from '../../platform/auth/api-key.guard';
import { ReadScope } from '../../platform/auth/scopes';
import { LIST_QUERY_DTOS, RecordGetQueryDto, RecordListQueryDto } from './record-query.dto';
import { RecordReadService } from './record-read.service';

/** GET /v1/<path> and GET /v1/<path>/:id of one catalogue model. */
function recordReadController(model: CanonicalModelName): Type {
  const { path } = CANONICAL_MODELS[model];
  @Controller('v1')
  @ReadScope()
  class RecordReadController {
    constructor(private readonly records: RecordReadService) {}

    // The service answers the page as JSON text (see RecordReadService.list).
    @Get(path)
    @Header('content-type', 'application/json; charset=utf-8')
    list(@OrgId() org: string, @Query() q: RecordListQueryDto) {
      return this.records.list(model, org, q);
    }
    @Get(`${path}/:id`) get(@OrgId() org: string, @Param('id') id: string, @Query() q: RecordGetQueryDto) {
      return this.records.get(model, org, id, q);
    }
  }
  // The validation pipe (and the API docs) read a @Query() parameter's class from its design type: the model's own.
  Reflect.defineMetadata('design:paramtypes', [String, LIST_QUERY_DTOS[model]], RecordReadController.prototype, 'list');
  Object.defineProperty(RecordReadController, 'name', { value: `RecordReadController(${model})` });
  return RecordReadController;
}

/** The read API: one controller per model of the catalogue. */
export const RECORD_READ_CONTROLLERS = CANONICAL_MODEL_NAMES.map(recordReadController);
