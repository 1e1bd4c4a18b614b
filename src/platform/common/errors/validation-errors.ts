import type { ValidationError } from 'class-validator';
import { AppError } from './app-error';

/** Flattens class-validator errors into {"field.path": ["what is wrong", …]}. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    const key = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints)
      fields[key] = Object.values(error.constraints).map((message) => withoutValue(message, error.value));
    if (error.children?.length) Object.assign(fields, flattenValidationErrors(error.children, key));
  }
  return fields;
}

export function validationAppError(errors: ValidationError[], where: 'body' | 'query'): AppError {
  const fields = flattenValidationErrors(errors);
  const names = Object.keys(fields);
  return AppError.invalid(`Invalid ${where}: ${names.map((n) => `${n} (${fields[n][0]})`).join(', ')}`, fields);
}

/**
 * A message never repeats the value it judges: class-validator puts it there for `$value` in a message, and
 * the value may be a credential or a webhook secret. (Shorter strings would match ordinary words.)
 */
function withoutValue(message: string, value: unknown): string {
  const strings = (Array.isArray(value) ? value : [value]).filter(
    (v): v is string => typeof v === 'string' && v.length >= 4,
  );
  return strings.reduce((text, secret) => text.split(secret).join('[redacted]'), message);
}
