import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { safeEqual } from '../core/crypto.util.js';

// Prometheus metrics on the Fastify instance itself: process metrics and one request histogram.
// Also writes the access log: one line per request (probes and scrapes at debug level only).
export function installMetrics(fastify: FastifyInstance, token: string | undefined, log: Logger): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'allmende_' });
  const duration = new Histogram({
    name: 'allmende_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'allmende_http_errors_total',
    help: 'HTTP answers with status >= 400 by status',
    labelNames: ['status'],
    registers: [registry],
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    duration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) errors.inc({ status: String(reply.statusCode) });
    const line = {
      method: req.method,
      url: req.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      ip: req.ip,
    };
    if (route.startsWith('/health') || route === '/metrics') log.debug(line, 'request');
    else log.info(line, 'request');
    done();
  });
  fastify.get('/metrics', async (req, reply) => {
    if (token !== undefined && !safeEqual(req.headers.authorization ?? '', `Bearer ${token}`)) {
      return reply.status(401).send({ error: { code: 'UNAUTHENTICATED', message: 'metrics need the metrics token' } });
    }
    return reply.header('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return registry;
}
