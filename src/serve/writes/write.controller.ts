import { Body, Controller, Headers, HttpCode, Param, Post, Put, Query, type Type } from '@nestjs/common';
import { CANONICAL_MODELS, type CanonicalModelName, type WriteOperation } from '../../catalogue/canonical-models';
import { BUILT_WRITES } from '../../fetch/registry/vendor-registry';
import { OrgId } from '../../platform/auth/api-key.guard';
import { WriteQueryDto } from './write.dto';
import { WriteService, type WriteRequest } from './write.service';

/** What a POST or PUT asks of the write service. */
function writeRequest(
  organizationId: string,
  model: CanonicalModelName,
  operation: WriteOperation,
  body: Record<string, unknown> | undefined,
  query: WriteQueryDto,
  idempotencyKey: string | undefined,
): WriteRequest {
  return {
    organizationId,
    model,
    operation,
    body: body ?? {},
    ignoreUnknownFields: query.ignore_unknown_fields === 'true',
    idempotencyKey,
  };
}

/** POST /v1/<path>/ of one catalogue model. */
function createController(model: CanonicalModelName): Type {
  @Controller('v1')
  class WriteCreateController {
    constructor(private readonly writes: WriteService) {}

    @Post(CANONICAL_MODELS[model].path)
    @HttpCode(200)
    create(
      @OrgId() org: string,
      @Body() body: Record<string, unknown>,
      @Query() query: WriteQueryDto,
      @Headers('idempotency-key') idempotencyKey?: string,
    ) {
      return this.writes.write(writeRequest(org, model, 'create', body, query, idempotencyKey));
    }
  }
  Object.defineProperty(WriteCreateController, 'name', { value: `WriteCreateController(${model})` });
  return WriteCreateController;
}

/** PUT /v1/<path>/:id of one catalogue model. */
function updateController(model: CanonicalModelName): Type {
  @Controller('v1')
  class WriteUpdateController {
    constructor(private readonly writes: WriteService) {}

    @Put(`${CANONICAL_MODELS[model].path}/:id`)
    update(
      @OrgId() org: string,
      @Param('id') id: string,
      @Body() body: Record<string, unknown>,
      @Query() query: WriteQueryDto,
      @Headers('idempotency-key') idempotencyKey?: string,
    ) {
      return this.writes.write({ ...writeRequest(org, model, 'update', body, query, idempotencyKey), recordId: id });
    }
  }
  Object.defineProperty(WriteUpdateController, 'name', { value: `WriteUpdateController(${model})` });
  return WriteUpdateController;
}

const CONTROLLER_OF: Record<WriteOperation, (model: CanonicalModelName) => Type> = {
  create: createController,
  update: updateController,
};

/**
 * The write API: a route per model and operation some vendor's adapter sends (BUILT_WRITES); for a vendor that
 * lacks it, the route answers 400 unsupported_operation.
 */
export const WRITE_CONTROLLERS = BUILT_WRITES.map(({ model, operation }) => CONTROLLER_OF[operation](model));
