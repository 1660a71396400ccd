import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';
import { getAddress } from 'ethers';

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const SINGLE_CASE = /^0x(?:[0-9a-f]{40}|[0-9A-F]{40})$/;

/**
 * An Ethereum address as EIP-55 defines it: `0x` and 40 hex digits, either in one case (no checksum claimed) or
 * mixed case that is the correct checksum. A mistyped mixed-case address is refused here, where class-validator's
 * `IsEthereumAddress` lets it through to `getAddress`, which then throws.
 */
export function isEthAddress(value: unknown): value is string {
  if (typeof value !== 'string' || !HEX_ADDRESS.test(value)) return false;
  if (SINGLE_CASE.test(value)) return true;
  try {
    return getAddress(value) === value;
  } catch {
    return false;
  }
}

/** Property decorator: the value is an Ethereum address with a valid EIP-55 checksum (or none, in one case). */
export function IsEthAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEthAddress',
      validator: {
        validate: (value) => isEthAddress(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an Ethereum address (0x + 40 hex digits) with a valid EIP-55 checksum`,
          options,
        ),
      },
    },
    options,
  );
}
