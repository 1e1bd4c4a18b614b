import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { GetByIdQueryDto, ListQueryDto } from '../../platform/common/http/list-query.dto';
import { IsDateFilter, IsTimeFilter, RequiresParam } from '../../platform/common/http/query-rules';
import {
  CANONICAL_MODEL_NAMES,
  CANONICAL_MODELS,
  COMMON_FILTERS,
  type CanonicalModelName,
  type FilterValue,
  type ListFilter,
} from '../../catalogue/canonical-models';

const BOOL = ['true', 'false'];

/** The validation rule of a filter's value, as class-validator decorates a DTO field with it. */
function valueRule(param: string, value: FilterValue): PropertyDecorator {
  if (typeof value === 'object')
    return IsIn(value.oneOf, { message: `${param} must be one of ${value.oneOf.join(', ')}` });
  switch (value) {
    case 'text':
      return IsString();
    case 'flag':
      return IsIn(BOOL, { message: `${param} must be true or false` });
    case 'date':
      return IsDateFilter();
    case 'instant':
      return IsTimeFilter();
    case 'phone':
      return Matches(/^[2-9]\d{9}$/, { message: `${param} must be a 10-digit phone number` });
  }
}

/** Decorates the DTO with the filters, each optional, as `@IsOptional() @<value rule> @RequiresParam(…)` would. */
function declareFilters(dto: abstract new () => object, filters: ReadonlyArray<Omit<ListFilter, 'match'>>): void {
  for (const filter of filters) {
    if (filter.requires) RequiresParam(filter.requires)(dto.prototype, filter.param);
    valueRule(filter.param, filter.value)(dto.prototype, filter.param);
    IsOptional()(dto.prototype, filter.param);
  }
}

/** Filters every model's list takes (the catalogue's COMMON_FILTERS), and include_deleted. */
export class RecordListQueryDto extends ListQueryDto {
  [param: string]: string | undefined;
}
declareFilters(RecordListQueryDto, [...COMMON_FILTERS, { param: 'include_deleted', value: 'flag' }]);

/** Each model's list query: the common filters and the model's own (its catalogue entry's `filters`). */
export const LIST_QUERY_DTOS = Object.fromEntries(
  CANONICAL_MODEL_NAMES.map((model) => {
    const dto = class extends RecordListQueryDto {};
    declareFilters(dto, CANONICAL_MODELS[model].filters);
    return [model, dto];
  }),
) as Record<CanonicalModelName, typeof RecordListQueryDto>;

/** Get-by-id: the spec's paging parameters, and include_deleted (a deleted record stays readable with it). */
export class RecordGetQueryDto extends GetByIdQueryDto {
  @IsOptional() @IsIn(BOOL, { message: 'include_deleted must be true or false' }) include_deleted?: string;
}
