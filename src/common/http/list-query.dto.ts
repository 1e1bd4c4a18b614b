import { IsOptional, Matches } from 'class-validator';
import { AppError } from '../errors/app-error';

/** offset / limit / order-by, as every list endpoint takes them (API.md §2). Values arrive as strings. */
export class ListQueryDto {
  @IsOptional() @Matches(/^\d{1,9}$/, { message: 'offset must be an integer ≥ 0' })
  offset?: string;

  @IsOptional() @Matches(/^(250|2[0-4]\d|1\d\d|[1-9]\d|[1-9])$/, { message: 'limit must be an integer from 1 to 250' })
  limit?: string;

  @IsOptional() @Matches(/^[a-z_0-9]+(:(asc|desc))?(,[a-z_0-9]+(:(asc|desc))?)*$/, { message: 'order-by must be field[:asc|desc][,field[:asc|desc]…]' })
  'order-by'?: string;
}

export interface OrderBy {
  field: string;
  direction: 'asc' | 'desc';
}

export interface ListPage {
  offset: number;
  limit: number;
  orderBy: OrderBy[];
}

/** Parses the validated strings; `sortable` lists the fields order-by may name (others: 400 from the caller). */
export function parseListQuery(query: ListQueryDto): ListPage {
  const orderBy = (query['order-by'] ?? 'created_at:desc').split(',').map((part) => {
    const [field, direction] = part.split(':');
    return { field: field!, direction: (direction ?? 'asc') as 'asc' | 'desc' };
  });
  return { offset: Number(query.offset ?? 0), limit: Number(query.limit ?? 100), orderBy };
}

/** The page's order as Prisma's `orderBy`, the id last so rows with equal keys page stably. */
export function prismaOrderBy(page: ListPage) {
  return [...page.orderBy.map((o) => ({ [o.field]: o.direction })), { id: 'asc' as const }];
}

export function listMeta(page: ListPage, total: number, returned: number) {
  return { offset: page.offset, limit: page.limit, orderBy: page.orderBy, hasMore: page.offset + returned < total, total };
}

/** The meta of a get-by-id response (the spec uses the list envelope with one object). */
export function singleMeta() {
  return { offset: 0, limit: 1, orderBy: [], hasMore: false, total: 1 };
}

/** 400 naming the order-by fields a list cannot sort by. */
export function assertSortable(orderBy: { field: string }[], sortable: readonly string[]): void {
  const bad = orderBy.filter((o) => !sortable.includes(o.field)).map((o) => o.field);
  if (bad.length > 0) {
    throw AppError.invalid(`Cannot order by ${bad.join(', ')}`, { 'order-by': [`field must be one of ${sortable.join(', ')}`] });
  }
}

/**
 * One page of a plain list: the query parsed and its order-by checked against `sortable`, the rows fetched,
 * each presented, in the list envelope.
 */
export async function pageOf<Row, Out>(
  query: ListQueryDto, sortable: readonly string[], fetch: (page: ListPage) => Promise<{ rows: Row[]; total: number }>, present: (row: Row) => Out,
) {
  const page = parseListQuery(query);
  assertSortable(page.orderBy, sortable);
  const { rows, total } = await fetch(page);
  return { meta: listMeta(page, total, rows.length), results: rows.map(present) };
}
