import type { ValidationError } from 'class-validator';
import { AppError } from './app-error';

/** Flattens class-validator errors into {"field.path": ["what is wrong", …]}. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    const key = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) fields[key] = Object.values(error.constraints);
    if (error.children?.length) Object.assign(fields, flattenValidationErrors(error.children, key));
  }
  return fields;
}

export function validationAppError(errors: ValidationError[], where: 'body' | 'query'): AppError {
  const fields = flattenValidationErrors(errors);
  const names = Object.keys(fields);
  return AppError.invalid(`Invalid ${where}: ${names.map((n) => `${n} (${fields[n][0]})`).join(', ')}`, fields);
}
