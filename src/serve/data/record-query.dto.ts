import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { GetByIdQueryDto, ListQueryDto } from '../../platform/common/http/list-query.dto';
import { IsDateFilter, IsTimeFilter, RequiresParam } from '../../platform/common/http/query-rules';
import { IntegrationVendor } from '../../generated/prisma/enums';
import { LEASE_STATUS_NORMALIZED } from '../../catalogue/canonical-models';

const VENDORS = Object.values(IntegrationVendor);
const BOOL = ['true', 'false'];

/** Filters every model's list takes (the spec's common ones, the time windows, and include_deleted). */
export class RecordListQueryDto extends ListQueryDto {
  // PMS ids repeat across customers: an external id means something only within one integration.
  @IsOptional() @IsString() @RequiresParam('integration_id') x_id?: string;
  @IsOptional() @IsString() @RequiresParam('integration_id') x_property_id?: string;
  @IsOptional() @IsString() location_id?: string;
  @IsOptional() @IsString() integration_id?: string;
  @IsOptional()
  @IsIn(VENDORS, { message: `integration_vendor must be one of ${VENDORS.join(', ')}` })
  integration_vendor?: string;
  @IsOptional() @IsTimeFilter() updated_at_gte?: string;
  @IsOptional() @IsTimeFilter() updated_at_lte?: string;
  @IsOptional() @IsTimeFilter() last_seen_gte?: string;
  @IsOptional() @IsTimeFilter() last_seen_lte?: string;
  @IsOptional() @IsIn(BOOL, { message: 'include_deleted must be true or false' }) include_deleted?: string;
}

export class PropertyListQueryDto extends RecordListQueryDto {
  @IsOptional() @IsIn(BOOL, { message: 'is_active must be true or false' }) is_active?: string;
}

export class UnitListQueryDto extends RecordListQueryDto {
  @IsOptional() @IsString() property_id?: string;
  @IsOptional() @IsString() @RequiresParam('property_id') unit_number?: string;
}

export class ResidentListQueryDto extends RecordListQueryDto {
  @IsOptional() @IsString() property_id?: string;
  @IsOptional() @IsString() lease_id?: string;
  @IsOptional() @IsString() email_1?: string;
  @IsOptional() @Matches(/^[2-9]\d{9}$/, { message: 'phone_1 must be a 10-digit phone number' }) phone_1?: string;
}

export class LeaseListQueryDto extends RecordListQueryDto {
  @IsOptional() @IsString() @RequiresParam('integration_id') x_unit_id?: string;
  @IsOptional() @IsString() unit_id?: string;
  @IsOptional() @IsString() resident_id?: string;
  @IsOptional() @IsString() property_id?: string;
  @IsOptional() @IsDateFilter() before_move_in_date?: string;
  @IsOptional() @IsDateFilter() after_move_in_date?: string;
  @IsOptional() @IsDateFilter() before_move_out_date?: string;
  @IsOptional() @IsDateFilter() after_move_out_date?: string;
  @IsOptional() @IsIn(BOOL, { message: 'only_null_move_outs must be true or false' }) only_null_move_outs?: string;
  @IsOptional()
  @IsIn(LEASE_STATUS_NORMALIZED, { message: `status_normalized must be one of ${LEASE_STATUS_NORMALIZED.join(', ')}` })
  status_normalized?: string;
  @IsOptional() @IsString() status_raw?: string;
  @IsOptional() @IsString() @RequiresParam('property_id') unit_number?: string;
}

/** Get-by-id: the spec's paging parameters, and include_deleted (a deleted record stays readable with it). */
export class RecordGetQueryDto extends GetByIdQueryDto {
  @IsOptional() @IsIn(BOOL, { message: 'include_deleted must be true or false' }) include_deleted?: string;
}
