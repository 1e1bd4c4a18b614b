import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { ListQueryDto } from '../common/http/list-query.dto';
import { IntegrationVendor } from '../generated/prisma/enums';
import { LEASE_STATUS_NORMALIZED } from '../canonical/canonical-models';

const VENDORS = Object.values(IntegrationVendor);
const BOOL = ['true', 'false'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Filters every model's list takes (the spec's common ones, the time windows, and include_deleted). */
export class RecordListQueryDto extends ListQueryDto {
  @IsOptional() @IsString() x_id?: string;
  @IsOptional() @IsString() x_property_id?: string;
  @IsOptional() @IsString() location_id?: string;
  @IsOptional() @IsString() integration_id?: string;
  @IsOptional() @IsIn(VENDORS, { message: `integration_vendor must be one of ${VENDORS.join(', ')}` }) integration_vendor?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'updated_at_gte must be an ISO 8601 date-time' }) updated_at_gte?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'updated_at_lte must be an ISO 8601 date-time' }) updated_at_lte?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'last_seen_gte must be an ISO 8601 date-time' }) last_seen_gte?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'last_seen_lte must be an ISO 8601 date-time' }) last_seen_lte?: string;
  @IsOptional() @IsIn(BOOL, { message: 'include_deleted must be true or false' }) include_deleted?: string;
}

export class PropertyListQueryDto extends RecordListQueryDto {
  @IsOptional() @IsIn(BOOL, { message: 'is_active must be true or false' }) is_active?: string;
}

export class UnitListQueryDto extends RecordListQueryDto {
  @IsOptional() @IsString() property_id?: string;
  @IsOptional() @IsString() unit_number?: string;
}

export class ResidentListQueryDto extends RecordListQueryDto {
  @IsOptional() @IsString() property_id?: string;
  @IsOptional() @IsString() lease_id?: string;
  @IsOptional() @IsString() email_1?: string;
  @IsOptional() @Matches(/^[2-9]\d{9}$/, { message: 'phone_1 must be a 10-digit phone number' }) phone_1?: string;
}

export class LeaseListQueryDto extends RecordListQueryDto {
  @IsOptional() @IsString() x_unit_id?: string;
  @IsOptional() @IsString() unit_id?: string;
  @IsOptional() @IsString() resident_id?: string;
  @IsOptional() @IsString() property_id?: string;
  @IsOptional() @Matches(DAY, { message: 'before_move_in_date must be YYYY-MM-DD' }) before_move_in_date?: string;
  @IsOptional() @Matches(DAY, { message: 'after_move_in_date must be YYYY-MM-DD' }) after_move_in_date?: string;
  @IsOptional() @Matches(DAY, { message: 'before_move_out_date must be YYYY-MM-DD' }) before_move_out_date?: string;
  @IsOptional() @Matches(DAY, { message: 'after_move_out_date must be YYYY-MM-DD' }) after_move_out_date?: string;
  @IsOptional() @IsIn(BOOL, { message: 'only_null_move_outs must be true or false' }) only_null_move_outs?: string;
  @IsOptional() @IsIn(LEASE_STATUS_NORMALIZED, { message: `status_normalized must be one of ${LEASE_STATUS_NORMALIZED.join(', ')}` }) status_normalized?: string;
  @IsOptional() @IsString() status_raw?: string;
  @IsOptional() @IsString() unit_number?: string;
}

/** Get-by-id takes only include_deleted (a deleted record stays readable with it). */
export class RecordGetQueryDto {
  @IsOptional() @IsIn(BOOL, { message: 'include_deleted must be true or false' }) include_deleted?: string;
}
