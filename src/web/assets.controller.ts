import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../http/access.decorator.js';
import { webDir } from './views.js';

const require = createRequire(import.meta.url);
// Pico.css from its npm package and allmende's own few rules, read once; served with a day's cache.
const pico = readFileSync(require.resolve('@picocss/pico/css/pico.min.css'));
const own = readFileSync(join(webDir('assets'), 'allmende.css'));

@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  @Get('pico.min.css')
  @Access('public')
  pico(@Res() reply: FastifyReply) {
    return css(reply, pico);
  }

  @Get('allmende.css')
  @Access('public')
  own(@Res() reply: FastifyReply) {
    return css(reply, own);
  }
}

function css(reply: FastifyReply, body: Buffer): FastifyReply {
  return reply
    .header('Content-Type', 'text/css; charset=utf-8')
    .header('Cache-Control', 'public, max-age=86400')
    .send(body);
}
