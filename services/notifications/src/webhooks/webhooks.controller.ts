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
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
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
  @ApiOperation({
    summary: 'Register a webhook for your organisation (providers; administrators for any organisation)',
    description:
      'Every event addressed to the organisation’s account (or to `eventTypes`) is POSTed to `url`, signed with ' +
      'the secret this answer carries, shown only this once. 403 NotYourOrganisation for another organisation’s ' +
      '`ownerSubject` unless an administrator; 400 naming `url` for a target refused (e.g. a private address).',
  })
  @ApiResponse({ status: 201, description: 'the webhook, and its signing `secret` (never shown again)' })
  @ApiErrors(400, 401, 403, 503)
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

  @ApiOperation({ summary: 'Your organisation’s webhooks (providers); every webhook (administrators)' })
  @ApiResponse({ status: 200, description: 'the webhooks, newest first, without their secrets' })
  @ApiErrors(401, 403, 503)
  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.webhooks.list(p);
  }

  @ApiOperation({
    summary: 'Remove a webhook of your organisation (providers; administrators any)',
    description: '404 WebhookNotFound for another organisation’s, as for a missing one.',
  })
  @ApiResponse({ status: 204, description: 'removed: nothing more is delivered to it' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    await this.webhooks.delete(p, id);
  }

  @ApiOperation({
    summary:
      'A webhook’s delivery log, newest first; `status=dead` is its dead-letter list (providers, administrators)',
    description: '`limit` 1–200, default 50. 404 WebhookNotFound for another organisation’s webhook.',
  })
  @ApiResponse({ status: 200, description: 'the deliveries: status, attempts, last answer and error' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/deliveries')
  deliveries(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: DeliveriesQueryDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.webhooks.deliveries(p, id, q.status, q.limit ?? 50);
  }

  @ApiOperation({
    summary: 'Put a dead delivery back in the queue with a fresh attempt budget (providers, administrators)',
    description: '404 DeliveryNotFound (or another organisation’s); 409 DeliveryNotDead for one not dead.',
  })
  @ApiResponse({ status: 202, description: 'queued again: the delivery, `pending`' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post('deliveries/:id/replay')
  @HttpCode(202)
  replay(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.webhooks.replay(p, id);
  }
}
