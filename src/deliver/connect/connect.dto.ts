import { OmitType, PartialType } from '@nestjs/mapped-types';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { STREAM_NAMES, SYNC_MODES } from './stream-catalog';

const DESTINATION_TYPES = ['postgres'];
const SCHEDULE_TYPES = ['cron', 'manual'];

export class CreateDestinationDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsIn(DESTINATION_TYPES, { message: `type must be one of ${DESTINATION_TYPES.join(', ')}` })
  type?: 'postgres';

  /** postgres://user:password@host:port/database; checked by connecting, then sealed. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  connection_url!: string;
}

export class UpdateDestinationDto extends PartialType(CreateDestinationDto) {}

export class StreamDto {
  @IsIn(STREAM_NAMES, { message: `name must be one of ${STREAM_NAMES.join(', ')}` })
  name!: string;

  @IsIn(SYNC_MODES, { message: `sync_mode must be one of ${SYNC_MODES.join(', ')}` })
  sync_mode!: string;

  /** A subset of the stream's API fields (checked by the service); id and updated_at are always replicated. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  fields?: string[];
}

export class ScheduleDto {
  @IsIn(SCHEDULE_TYPES, { message: `type must be one of ${SCHEDULE_TYPES.join(', ')}` })
  type!: 'cron' | 'manual';

  /** 5-field cron expression, UTC (checked by the service). */
  @ValidateIf((o: ScheduleDto) => o.type === 'cron')
  @IsString()
  @IsNotEmpty()
  cron?: string;
}

export class CreateConnectionDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsString()
  @IsNotEmpty()
  integration_id!: string;

  @IsString()
  @IsNotEmpty()
  destination_id!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(STREAM_NAMES.length)
  @ValidateNested({ each: true })
  @Type(() => StreamDto)
  streams!: StreamDto[];

  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleDto)
  schedule!: ScheduleDto;

  /** The destination schema (checked by the service: a safe identifier). */
  @IsString()
  @IsNotEmpty()
  namespace!: string;

  @IsOptional()
  @IsString()
  stream_prefix?: string;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** The create body without integration_id (a connection stays with its integration), every field optional. */
export class UpdateConnectionDto extends PartialType(OmitType(CreateConnectionDto, ['integration_id'] as const)) {}

/** `DELETE /v1/connect/connections/{id}`: `drop_tables=true` drops the connection's tables in the destination too. */
export class DeleteConnectionQueryDto {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'drop_tables must be true or false' })
  drop_tables?: string;
}
