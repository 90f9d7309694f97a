import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';

// One schema serves validation and documentation: the zod schema becomes the OpenAPI body.
export function ZodBody(schema: z.ZodType) {
  return ApiBody({ schema: toOpenApi(schema) });
}

export function ZodQuery(schema: z.ZodObject) {
  const json = toOpenApi(schema) as { properties?: Record<string, object>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, s]) =>
      ApiQuery({ name, required: json.required?.includes(name) ?? false, schema: s }),
    ),
  );
}

function toOpenApi(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}
