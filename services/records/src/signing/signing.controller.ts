import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { relationshipsDomain, RELATIONSHIPS_TYPES } from '@uhr/contracts';
import { Public } from '@uhr/platform';
import { Contracts } from '../chain/contracts.js';
import { gatekeeperDomain, READ_REQUEST_TYPES } from '../gatekeeper/domain/read-request.js';

/**
 * What a client signs, for this deployment: the EIP-712 domains (chain id and verifying contract) and types of
 * every message the records API takes — AddRecord / AddRecords (uploads), RespondToRecords (a patient's answer),
 * ReadRecord (a gatekeeper read). Public, like an OpenID discovery document: nothing in it is secret.
 */
@ApiTags('signing')
@Controller('signing')
export class SigningController {
  constructor(private readonly contracts: Contracts) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'EIP-712 domains and types of every message this API takes',
    description:
      'Sign AddRecord, AddRecords and RespondToRecords in the `relationships` domain, ReadRecord in the ' +
      '`gatekeeper` domain, with `eth_signTypedData_v4` (or any EIP-712 library) and the identity key the ' +
      'Registrar binds to your login.',
  })
  @ApiOkResponse({ description: '{ domains: { relationships, gatekeeper }, types: { … } }' })
  signing() {
    const d = this.contracts.relationshipsDomain;
    return {
      domains: { relationships: relationshipsDomain(d), gatekeeper: gatekeeperDomain(d) },
      types: {
        AddRecord: RELATIONSHIPS_TYPES.AddRecord,
        AddRecords: RELATIONSHIPS_TYPES.AddRecords,
        RespondToRecords: RELATIONSHIPS_TYPES.RespondToRecords,
        ReadRecord: READ_REQUEST_TYPES.ReadRecord,
      },
    };
  }
}
