import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError } from '../errors/app-error';
import { validationAppError } from '../errors/validation-errors';

/**
 * Validates bodies and queries against their DTO class: unknown fields are rejected (API.md §2: unknown
 * query parameters are a 400), values are converted to the DTO's types, and every bad field is named.
 */
@Injectable()
export class DtoValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { metatype, type } = metadata;
    // PostgreSQL text cannot hold NUL: refuse it here, naming the field, rather than fail in the database.
    const withNul = nulField(value, type === 'body' ? 'body' : type === 'query' ? '' : (metadata.data ?? type));
    if (withNul !== null)
      throw AppError.invalid(`${withNul} must not contain NUL characters`, {
        [withNul]: ['must not contain NUL characters'],
      });
    if ((type !== 'body' && type !== 'query') || !metatype || isPrimitive(metatype)) return value;
    // No body at all reads as {}: a POST that needs no fields may be sent bare, and one that does names them.
    if (
      type === 'body' &&
      value !== undefined &&
      (value === null || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw AppError.invalid('The request body must be a JSON object', { body: ['must be a JSON object'] });
    }
    const instance = plainToInstance(metatype, value ?? {}, { enableImplicitConversion: false });
    const errors = validateSync(instance as object, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: false,
    });
    if (errors.length > 0) throw validationAppError(errors, type);
    return instance;
  }
}

function isPrimitive(metatype: unknown): boolean {
  return [String, Boolean, Number, Array, Object].includes(metatype as never);
}

/** The first field (dotted path) whose key or string value contains NUL, or null. */
function nulField(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [key, inner] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return field;
    const found = nulField(inner, field, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
