import { IsOptional, Matches } from 'class-validator';
import { AppError } from '../errors/app-error';

const OFFSET = /^\d{1,9}$/;
const LIMIT = /^(250|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const ORDER_BY = /^[a-z_0-9]+(:(asc|desc))?(,[a-z_0-9]+(:(asc|desc))?)*$/;

/**
 * The rules of offset / limit / order-by; `context.schema` tells the API docs the type a client sends
 * (values arrive as strings), `context.description` what the parameter does there.
 */
const offsetRule = (description: string) =>
  Matches(OFFSET, {
    message: 'offset must be an integer ≥ 0',
    context: { schema: { type: 'integer', minimum: 0, default: 0 }, description },
  });
const limitRule = (description: string) =>
  Matches(LIMIT, {
    message: 'limit must be an integer from 0 to 250',
    context: { schema: { type: 'integer', minimum: 0, maximum: 250, default: 100 }, description },
  });
const orderByRule = (description: string) =>
  Matches(ORDER_BY, { message: 'order-by must be field[:asc|desc][,field[:asc|desc]…]', context: { description } });

/** offset / limit / order-by, as every list endpoint takes them (API.md §2). Values arrive as strings. */
export class ListQueryDto {
  @IsOptional()
  @offsetRule('Records to skip')
  offset?: string;

  // The spec's minimum is 0: a page of none, whose meta still counts them (a count without the records).
  @IsOptional()
  @limitRule(
    'Records per page, 0–250 (default 100). 0 answers no records, only the meta: `total` and `hasMore` count them.',
  )
  limit?: string;

  @IsOptional()
  @orderByRule('field[:asc|desc][,field[:asc|desc]…] (default created_at:desc)')
  'order-by'?: string;
}

/**
 * Get-by-id takes the list parameters too, as Propexo's spec documents them there: they are validated as
 * on lists, and one object has nothing to page or order.
 */
export class GetByIdQueryDto {
  @IsOptional()
  @offsetRule("Accepted as on lists (Propexo's spec documents it here); one object has nothing to page")
  offset?: string;

  @IsOptional()
  @limitRule(
    "Accepted as on lists (Propexo's spec documents it here), 0–250; the object is returned whatever its value",
  )
  limit?: string;

  @IsOptional()
  @orderByRule("Accepted as on lists (Propexo's spec documents it here); one object has nothing to order")
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
    return { field: field, direction: (direction ?? 'asc') as 'asc' | 'desc' };
  });
  return { offset: Number(query.offset ?? 0), limit: Number(query.limit ?? 100), orderBy };
}

/** The page's order as Prisma's `orderBy`, the id last so rows with equal keys page stably. */
export function prismaOrderBy(page: ListPage) {
  return [...page.orderBy.map((o) => ({ [o.field]: o.direction })), { id: 'asc' as const }];
}

export function listMeta(page: ListPage, total: number, returned: number) {
  return {
    offset: page.offset,
    limit: page.limit,
    orderBy: page.orderBy,
    hasMore: page.offset + returned < total,
    total,
  };
}

/** The meta of a get-by-id response (the spec uses the list envelope with one object). */
export function singleMeta() {
  return { offset: 0, limit: 1, orderBy: [], hasMore: false, total: 1 };
}

/** 400 naming the order-by fields a list cannot sort by. */
export function assertSortable(orderBy: { field: string }[], sortable: readonly string[]): void {
  const bad = orderBy.filter((o) => !sortable.includes(o.field)).map((o) => o.field);
  if (bad.length > 0) {
    throw AppError.invalid(`Cannot order by ${bad.join(', ')}`, {
      'order-by': [`field must be one of ${sortable.join(', ')}`],
    });
  }
}

/**
 * One page of a plain list: the query parsed and its order-by checked against `sortable`, the rows fetched,
 * each presented, in the list envelope.
 */
export async function pageOf<Row, Out>(
  query: ListQueryDto,
  sortable: readonly string[],
  fetch: (page: ListPage) => Promise<{ rows: Row[]; total: number }>,
  present: (row: Row) => Out,
) {
  const page = parseListQuery(query);
  assertSortable(page.orderBy, sortable);
  const { rows, total } = await fetch(page);
  return { meta: listMeta(page, total, rows.length), results: rows.map(present) };
}
