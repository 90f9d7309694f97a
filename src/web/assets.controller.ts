import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../http/access.decorator.js';

const require = createRequire(import.meta.url);
// Pico.css from its npm package, read once; served with a long cache (its version is in the lock).
const pico = readFileSync(require.resolve('@picocss/pico/css/pico.min.css'));

@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  @Get('pico.min.css')
  @Access('public')
  pico(@Res() reply: FastifyReply) {
    return reply
      .header('Content-Type', 'text/css; charset=utf-8')
      .header('Cache-Control', 'public, max-age=86400')
      .send(pico);
  }
}
