import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';
import { PinoNestLogger } from './core/logger.js';
import { CSV_LIMIT_BYTES } from './http/upload-limits.js';
import { installMetrics } from './health/metrics.js';
import { registerPhotoParser } from './inventory/photo-upload.js';
import { installCsrfCheck } from './web/csrf.js';
import { sendErrorPage, wantsPage } from './web/error-page.js';

// The Nest application on Fastify, not yet listening. Tests use it as it is.
export async function createApp(config: AppConfig, orm: MikroORM, log: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    trustProxy: config.http.trustProxy,
    bodyLimit: 1024 * 1024,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, orm, log), adapter, {
    logger: new PinoNestLogger(log.child({ component: 'nest' })),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // CSV imports arrive as raw bytes: the import decides the encoding, not the HTTP layer.
  fastify.addContentTypeParser(
    ['text/csv', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: CSV_LIMIT_BYTES },
    (_req, body, done) => {
      done(null, body);
    },
  );
  registerPhotoParser(fastify, config.inventory.photoMaxBytes);
  // File uploads from pages (the member import): multipart/form-data, read by the handler with
  // req.parts(), never spooled to disk. Its form token travels in the action's query string.
  await app.register(multipart, {
    limits: { fileSize: CSV_LIMIT_BYTES, fieldSize: CSV_LIMIT_BYTES, files: 1, fields: 20, parts: 25 },
  });
  installMetrics(fastify, config.metricsToken, log.child({ component: 'http' }));
  const secure = config.http.publicUrl.startsWith('https:');
  installCsrfCheck(fastify, secure, (req, reply) => {
    const message = 'the form token is missing or wrong: reload the form and send it again';
    if (wantsPage(req)) return sendErrorPage(req, reply, config, 403, 'CSRF', { message });
    return reply.status(403).send({ error: { code: 'FORBIDDEN', message } });
  });
  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('X-Content-Type-Options', 'nosniff');
    // same-origin: a key in a page's URL never leaves the site, and the browser still sends our
    // Origin with our own forms (under no-referrer it sends `Origin: null`, which is refused).
    if (!reply.hasHeader('Referrer-Policy')) void reply.header('Referrer-Policy', 'same-origin');
    void reply.header('X-Frame-Options', 'DENY');
    // Swagger UI ships inline styles; everything else gets the strict policy.
    if (!req.url.startsWith('/api/docs')) {
      void reply.header(
        'Content-Security-Policy',
        // img-src data: for the icons Pico.css draws (checkboxes, select arrows) as data: URIs.
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
    }
    if (secure) void reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  });
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, openApiDocument(app), { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('allmende')
    .setDescription(
      'Member register and hub of a club’s infrastructure. Board API; errors are { error: { code, message, fields? } }.',
    )
    .setVersion('0.1.0')
    .addCookieAuth('allmende_session')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token (am_…)' })
    .build();
  return SwaggerModule.createDocument(app, config);
}
