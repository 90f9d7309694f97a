import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { AppError } from '../core/app.errors.js';
import { problemsOfIssues } from '../core/zod-problems.js';

// Validates a body or query against a zod schema; every bad field is named in the 400.
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    throw AppError.validation(problemsOfIssues(result.error.issues));
  }
}
