import { PartialType } from '@nestjs/mapped-types';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { EVENT_MODELS } from '../../catalogue/canonical-models';
import { TRIGGERS } from '../../emit/event-triggers';
import { ListQueryDto } from '../../platform/common/http/list-query.dto';
import { WEBHOOK_SECRET_FORM } from './webhook-signing';

/** Triggers a webhook may subscribe to: ours plus the spec's WRITE_OPERATION_FAILURE (accepted; we do no writes). */
export const SUBSCRIBABLE_TRIGGERS = [...TRIGGERS, 'WRITE_OPERATION_FAILURE'] as const;
/** A webhook's `model`: the models data events are about, the resident <-> lease links among them. */
export const WEBHOOK_MODELS = EVENT_MODELS;

export class WebhookHeaderDto {
  @IsString()
  @Matches(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { message: 'header must be an HTTP header name' })
  @MaxLength(256)
  header!: string;

  @IsString()
  @MaxLength(4096)
  @Matches(/^[^\r\n]*$/, { message: 'value must not contain line breaks' })
  value!: string;
}

const SECRET_FORM_MESSAGE =
  'secret starting with whsec_ must continue with base64 (the Standard Webhooks form); any other secret is used as it is';

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class CreateWebhookDto {
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  @MaxLength(2048)
  url!: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsIn(SUBSCRIBABLE_TRIGGERS, {
    each: true,
    message: `each trigger must be one of ${SUBSCRIBABLE_TRIGGERS.join(', ')}`,
  })
  triggers!: string[];

  @IsOptional()
  @IsIn(WEBHOOK_MODELS, { message: `model must be one of ${WEBHOOK_MODELS.join(', ')}` })
  model?: string;

  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @IsOptional()
  @IsString()
  @MinLength(10)
  @MaxLength(512)
  @Matches(WEBHOOK_SECRET_FORM, { message: SECRET_FORM_MESSAGE })
  secret?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WebhookHeaderDto)
  headers?: WebhookHeaderDto[];

  /** Extension: limit the webhook to one integration's events. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  integration_id?: string;
}

export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}

export class ListWebhooksQueryDto extends ListQueryDto {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'active must be true or false' })
  active?: string;
}
