import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@uhr/platform';
import { DirectoryQueryDto } from './identity.dto.js';
import { IdentityRepository } from './identity.repository.js';

/** Whom a patient can share with: providers and third parties by their public name. */
@ApiTags('directory')
@ApiBearerAuth()
@Controller('directory')
export class DirectoryController {
  constructor(private readonly identities: IdentityRepository) {}

  @ApiOperation({
    summary: 'Find a provider, pharmacy or insurer by name (any signed-in user)',
    description:
      'Active providers and third parties whose public name holds `q` (2–60 characters, any case), names ' +
      'starting with it first, at most 20: `{ identityId, displayName, kind, identifierSystem }`. The identity ' +
      'id is the sharing code a grant names. Patients are never listed.',
  })
  @ApiResponse({ status: 200, description: 'the listings, best match first' })
  @ApiErrors(400, 401, 503)
  @Get()
  search(@Query() query: DirectoryQueryDto) {
    return this.identities.directory(query.q.trim(), query.kind);
  }
}
