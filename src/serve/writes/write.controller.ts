import { Body, Controller, Headers, HttpCode, Param, Post, Put, Query, type Type } from '@nestjs/common';
import { CANONICAL_MODEL_NAMES, type CanonicalModelName } from '../../catalogue/canonical-models';
import { OrgId } from '../../platform/auth/api-key.guard';
import { WriteQueryDto } from './write.dto';
import { WriteService } from './write.service';

/** POST /v1/<model>/ and PUT /v1/<model>/:id of one catalogue model that offers writes. */
function writeController(model: CanonicalModelName): Type {
  @Controller('v1')
  class WriteController {
    constructor(private readonly writes: WriteService) {}

    @Post(model)
    @HttpCode(200)
    create(
      @OrgId() org: string,
      @Body() body: Record<string, unknown>,
      @Query() query: WriteQueryDto,
      @Headers('idempotency-key') idempotencyKey?: string,
    ) {
      return this.writes.write({
        organizationId: org,
        model,
        operation: 'create',
        body: body ?? {},
        ignoreUnknownFields: query.ignore_unknown_fields === 'true',
        idempotencyKey,
      });
    }

    @Put(`${model}/:id`)
    update(
      @OrgId() org: string,
      @Param('id') id: string,
      @Body() body: Record<string, unknown>,
      @Query() query: WriteQueryDto,
      @Headers('idempotency-key') idempotencyKey?: string,
    ) {
      return this.writes.write({
        organizationId: org,
        model,
        operation: 'update',
        recordId: id,
        body: body ?? {},
        ignoreUnknownFields: query.ignore_unknown_fields === 'true',
        idempotencyKey,
      });
    }
  }
  Object.defineProperty(WriteController, 'name', { value: `WriteController(${model})` });
  return WriteController;
}

/** The write API: one controller per catalogue model (each answers 400 for an operation its vendor lacks). */
export const WRITE_CONTROLLERS = CANONICAL_MODEL_NAMES.map(writeController);
