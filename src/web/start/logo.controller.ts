import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../../http/access.decorator.js';

// The SpaceAPI needs a logo; until a club sets ALLMENDE_SPACEAPI_LOGO_URL this plain one serves.
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<rect width="64" height="64" rx="12" fill="#1d6f42"/>
<path d="M12 50V28L32 12l20 16v22H38V36H26v14z" fill="#fff"/>
</svg>
`;

@ApiExcludeController()
@Controller('assets')
export class LogoController {
  @Get('logo.svg')
  @Access('public')
  logo(@Res() reply: FastifyReply) {
    return reply.header('Content-Type', 'image/svg+xml').header('Cache-Control', 'public, max-age=86400').send(LOGO);
  }
}
