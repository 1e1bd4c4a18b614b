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
    if ((type !== 'body' && type !== 'query') || !metatype || isPrimitive(metatype)) return value;
    if (type === 'body' && (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw AppError.invalid('The request body must be a JSON object', { body: ['must be a JSON object'] });
    }
    const instance = plainToInstance(metatype, value ?? {}, { enableImplicitConversion: false });
    const errors = validateSync(instance as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
    if (errors.length > 0) throw validationAppError(errors, type);
    return instance;
  }
}

function isPrimitive(metatype: unknown): boolean {
  return [String, Boolean, Number, Array, Object].includes(metatype as never);
}
