import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { AppError } from '../core/app.errors.js';

const MAX_ID = 2 ** 31 - 1; // PostgreSQL integer

// A numeric id from the path, or a 400 that names the parameter.
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string, meta: ArgumentMetadata): number {
    const id = /^[0-9]{1,10}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > MAX_ID) {
      throw AppError.validation([{ field: meta.data ?? 'id', message: 'must be a positive whole number' }]);
    }
    return id;
  }
}
