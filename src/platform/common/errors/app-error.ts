/** Domain error codes (API.md §2). Services throw AppError; one filter maps codes to HTTP. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unsupported_operation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  static notFound(what: string, id?: string): AppError {
    return new AppError('not_found', id ? `${what} ${id} was not found` : `${what} was not found`, id ? { id } : {});
  }

  /** `fields` maps each bad field to what is wrong with it. */
  static invalid(message: string, fields: Record<string, string[]>): AppError {
    return new AppError('invalid_request', message, { fields });
  }
}
