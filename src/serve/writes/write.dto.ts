import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { CANONICAL_MODELS } from '../../catalogue/canonical-models';

/** The spec's write categories Latchkey writes: the catalogue's models that declare writes. */
const WRITE_CATEGORIES = Object.values(CANONICAL_MODELS)
  .filter((model) => Object.keys(model.writes).length > 0)
  .map((model) => model.name);

/** Query of POST and PUT writes: `ignore_unknown_fields=true` drops fields the vendor cannot write instead of a 400. */
export class WriteQueryDto {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'ignore_unknown_fields must be true or false' })
  ignore_unknown_fields?: string;
}

export const WRITE_LOG_TIME_RANGES = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };

/** The spec's `_v1_admin_logs_writes__get_input`: write logs of a time range, by integration, status and model. */
export class WriteLogQueryDto {
  @IsOptional()
  // The spec says 1-100; 0 is taken too, as on every list (API.md §2), and answers no logs.
  @Matches(/^(100|[1-9]?\d)$/, { message: 'limit must be an integer from 0 to 100' })
  limit?: string;
  @IsOptional()
  @Matches(/^\d+$/, { message: 'offset must be an integer ≥ 0' })
  offset?: string;
  @IsOptional()
  @IsIn(Object.keys(WRITE_LOG_TIME_RANGES), { message: 'time_range must be one of hour, day, week, month' })
  time_range?: keyof typeof WRITE_LOG_TIME_RANGES;
  @IsOptional() @IsString() integration_id?: string;
  @IsOptional()
  @IsIn(['SUCCESS', 'FAILURE'], { message: 'status must be SUCCESS or FAILURE' })
  status?: 'SUCCESS' | 'FAILURE';
  /** A model with writes, snake_case as the spec's enum (`residents`, `leases`, …). */
  @IsOptional()
  @IsIn(WRITE_CATEGORIES, { message: `write_category must be one of ${WRITE_CATEGORIES.join(', ')}` })
  write_category?: string;
}
