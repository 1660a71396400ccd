import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  ForbiddenError,
  PLATFORM_CONFIG,
  Roles,
  type Principal,
  NoIdempotencyKey,
} from '@uhr/platform';
import type { NotificationsConfig } from '../config.js';
import { refuseTarget, systemResolver } from './domain/target-policy.js';
import { DeliveriesQueryDto, RegisterWebhookDto } from './webhooks.dto.js';
import { WebhooksRepository } from './webhooks.repository.js';

/**
 * Organisations' machine callbacks. An organisation is the Keycloak account its systems sign in as (e.g.
 * provider-hospital): its webhooks receive every event addressed to that account. Admins manage any.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin', 'provider')
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: NotificationsConfig,
  ) {}

  /** The signing secret is returned here once and never again. */
  @Post()
  @NoIdempotencyKey('the answer carries the signing secret, which is shown once and never stored')
  async register(@Body() dto: RegisterWebhookDto, @CurrentPrincipal() p: Principal) {
    const owner = dto.ownerSubject ?? p.subject;
    if (owner !== p.subject && !p.roles.includes('admin')) {
      throw new ForbiddenError('NotYourOrganisation', 'only an admin registers webhooks for another organisation');
    }
    const refused = await refuseTarget(dto.url, this.config.webhookAllowPrivate, systemResolver);
    if (refused) {
      throw new BadRequestException({
        error: 'ValidationFailed',
        message: 'request is invalid',
        fields: { url: [refused] },
      });
    }
    return this.webhooks.create(owner, dto.url, [...new Set(dto.eventTypes ?? [])], p.subject);
  }

  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.webhooks.list(p);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    await this.webhooks.delete(p, id);
  }

  @Get(':id/deliveries')
  deliveries(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: DeliveriesQueryDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.webhooks.deliveries(p, id, q.status, q.limit ?? 50);
  }

  @Post('deliveries/:id/replay')
  @HttpCode(202)
  replay(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.webhooks.replay(p, id);
  }
}
