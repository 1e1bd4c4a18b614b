import { OmitType, PartialType } from '@nestjs/mapped-types';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Cadence, IntegrationVendor } from '../../generated/prisma/enums';
import { ListQueryDto } from '../../platform/common/http/list-query.dto';
import { CANONICAL_MODEL_NAMES } from '../../catalogue/canonical-models';

const VENDORS = Object.values(IntegrationVendor);
const CADENCES = Object.values(Cadence);
const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const NO_CUSTOM_SCHEDULE =
  'use_custom_sync_schedule must be false: Latchkey takes no custom_sync_schedule (sync_cron, an extension, takes a 5-field cron expression)';

export class CreateIntegrationDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsIn(VENDORS, { message: `integration_vendor must be one of ${VENDORS.join(', ')}` })
  integration_vendor!: IntegrationVendor;

  /** Validated against the vendor's own shape by the service (it depends on integration_vendor). */
  @IsObject()
  credentials!: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  sync_frequency?: number;

  @IsOptional()
  @IsIn(CADENCES, { message: `sync_cadence must be one of ${CADENCES.join(', ')}` })
  sync_cadence?: Cadence;

  /** Extension: a 5-field cron expression (UTC) that replaces sync_frequency x sync_cadence; null clears it. */
  @IsOptional()
  @IsString()
  sync_cron?: string | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  max_request_frequency?: number;

  @IsOptional()
  @IsIn(CADENCES, { message: `max_request_cadence must be one of ${CADENCES.join(', ')}` })
  max_request_cadence?: Cadence;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  max_job_concurrency?: number;

  /**
   * Extension: the models this integration's syncs read (the vendor's others stay unread: e.g. no per-lease
   * ledger requests when only residents and leases matter); null or absent: every model its vendor has.
   */
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(CANONICAL_MODEL_NAMES, { each: true, message: `each model must be one of ${CANONICAL_MODEL_NAMES.join(', ')}` })
  models_to_sync?: string[] | null;

  /** Extension: another server that follows the vendor's contract (a sandbox, a regional host). */
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUrl(URL_OPTIONS, { message: 'base_url must be an http(s) URL' })
  @MaxLength(2048)
  base_url?: string | null;

  @IsOptional()
  @IsBoolean()
  new_properties_are_enabled?: boolean;

  @IsOptional()
  @IsIn(['PRODUCTION', 'SANDBOX'])
  system?: 'PRODUCTION' | 'SANDBOX';

  /** The spec's, deprecated there (manual syncs are always allowed). Clients generated from the spec send its default. */
  @IsOptional()
  @IsBoolean({
    context: { description: "Deprecated in Propexo's spec: manual syncs are always allowed. Accepted and ignored" },
  })
  allow_manual_syncs?: boolean;

  /** The spec's opt-in to custom_sync_schedule, which Latchkey does not take: only its default, false. */
  @IsOptional()
  @IsBoolean()
  @IsIn([false], { message: NO_CUSTOM_SCHEDULE, context: { description: NO_CUSTOM_SCHEDULE } })
  use_custom_sync_schedule?: boolean;
}

/** The create body without integration_vendor (fixed once created), every field optional, plus is_archived. */
export class UpdateIntegrationDto extends PartialType(OmitType(CreateIntegrationDto, ['integration_vendor'] as const)) {
  @IsOptional()
  @IsBoolean()
  is_archived?: boolean;
}

export class ListIntegrationsQueryDto extends ListQueryDto {
  @IsOptional()
  @IsIn(VENDORS, { message: `integration_vendor must be one of ${VENDORS.join(', ')}` })
  integration_vendor?: IntegrationVendor;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'is_archived must be true or false' })
  is_archived?: string;
}

export class ManualSyncDto {
  @IsOptional()
  @IsArray()
  @IsIn(CANONICAL_MODEL_NAMES, { each: true, message: `each model must be one of ${CANONICAL_MODEL_NAMES.join(', ')}` })
  models_to_sync?: string[];

  @IsOptional()
  @IsString()
  sync_config_id?: string;
}
