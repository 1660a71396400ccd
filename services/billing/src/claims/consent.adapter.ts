import { Inject, Injectable } from '@nestjs/common';
import { categoryCode, consentAt } from '@uhr/contracts';
import { ChainWriter, chainIdOf, contractAddress, DEPLOYMENT, type Deployment } from '@uhr/platform';
import type { Contract } from 'ethers';

const ZERO = '0x' + '0'.repeat(64);

/**
 * Asks the Consent contract — the authority on grants — whether a reader may see an invoice: the grant it names
 * (verdict 0 = permitted), or any grant of the patient's that covers the invoice id or its category (mayRead).
 */
@Injectable()
export class ConsentAdapter {
  private readonly consent: Contract;

  constructor(@Inject(DEPLOYMENT) deployment: Deployment, writer: ChainWriter) {
    this.consent = consentAt(contractAddress(deployment, 'Consent'), writer.provider);
  }

  async grantFor(
    reader: string,
    patientId: string,
    invoiceId: string,
    category: string,
    namedGrantId?: string,
  ): Promise<string | undefined> {
    const args = [reader, chainIdOf(patientId), chainIdOf(invoiceId), categoryCode(category)] as const;
    if (namedGrantId && namedGrantId !== ZERO) {
      const verdict = Number(await this.consent.verdict!(namedGrantId, ...args));
      return verdict === 0 ? namedGrantId : undefined;
    }
    const [permitted, grantId] = (await this.consent.mayRead!(...args)) as [boolean, string];
    return permitted ? grantId : undefined;
  }
}
