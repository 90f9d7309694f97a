import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Access } from '../http/access.decorator.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { resetConfirmSchema, resetLinkSchema, resetRequestSchema } from './auth.schemas.js';
import { PasswordResetService } from './password-reset.service.js';

@ApiTags('auth')
@Controller('api/auth/reset')
export class PasswordResetController {
  constructor(private readonly reset: PasswordResetService) {}

  @Post()
  @HttpCode(202)
  @Access('public')
  @ApiOperation({
    summary: 'Ask for a password reset mail (by username or private address); the answer is the same for every account',
  })
  @ZodBody(resetRequestSchema)
  request(@Body(new ZodPipe(resetRequestSchema)) body: z.infer<typeof resetRequestSchema>, @Req() req: FastifyRequest) {
    return this.reset.request(body.login, req.ip ?? null);
  }

  @Post('check')
  @HttpCode(200)
  @Access('public')
  @ApiOperation({ summary: 'Whether a reset link still works (410 if used, replaced or expired)' })
  @ZodBody(resetLinkSchema)
  check(@Body(new ZodPipe(resetLinkSchema)) body: z.infer<typeof resetLinkSchema>) {
    return this.reset.check(body.memberId, body.key);
  }

  @Post('confirm')
  @HttpCode(204)
  @Access('public')
  @ApiOperation({ summary: 'Set the new password with the key from the reset mail; ends every session' })
  @ZodBody(resetConfirmSchema)
  async confirm(@Body(new ZodPipe(resetConfirmSchema)) body: z.infer<typeof resetConfirmSchema>) {
    await this.reset.confirm(body.memberId, body.key, body.password);
  }
}
