import { IsIn, IsOptional, IsString } from 'class-validator';
import { ListQueryDto } from '../../platform/common/http/list-query.dto';
import { IsTimeFilter } from '../../platform/common/http/query-rules';
import { IntegrationVendor } from '../../generated/prisma/enums';

const VENDORS = Object.values(IntegrationVendor);

/** The spec's `_v1_admin_data-diffs__get_input`. */
export class DataDiffListQueryDto extends ListQueryDto {
  @IsOptional()
  @IsIn(VENDORS, { message: `integration_vendor must be one of ${VENDORS.join(', ')}` })
  integration_vendor?: string;
  @IsOptional() @IsString() integration_id?: string;
  @IsOptional() @IsTimeFilter() before?: string;
  @IsOptional() @IsTimeFilter() after?: string;
}
