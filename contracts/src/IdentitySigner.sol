// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IRegistrar} from "./IRegistrar.sol";
import {IIdentitySigner} from "./IIdentitySigner.sol";

/// @title IdentitySigner
/// @notice Shared EIP-712 plumbing: per-identity unordered nonces, deadlines and signer resolution through the
/// Registrar. Nonces are keyed by identity id (not by address) so that they survive a rebind, and are a bitmap
/// (Uniswap Permit2's layout) so that concurrent signatures by one key land in any order.
abstract contract IdentitySigner is IIdentitySigner, EIP712 {
    IRegistrar internal immutable _registrar;

    mapping(bytes32 identityId => mapping(uint256 word => uint256 bits)) private _nonceBitmap;

    constructor(IRegistrar registrar_, string memory name) EIP712(name, "1") {
        _registrar = registrar_;
    }

    function nonceUsed(bytes32 identityId, uint256 nonce) external view returns (bool) {
        return _nonceBitmap[identityId][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @dev The active account of `identityId`, which must be of `kind`.
    function _accountOf(bytes32 identityId, IRegistrar.IdentityKind kind) internal view returns (address account) {
        IRegistrar.IdentityKind actual;
        (account, actual) = _registrar.activeAccountOf(identityId);
        if (account == address(0) || actual != kind) revert IdentitySignerWrongIdentity(identityId, uint8(kind));
    }

    /// @dev The active identity id of msg.sender, which must be of `kind`.
    function _callerId(IRegistrar.IdentityKind kind) internal view returns (bytes32 identityId) {
        identityId = _registrar.idOf(msg.sender);
        if (identityId == bytes32(0) || _registrar.kindOf(msg.sender) != kind) {
            revert IdentitySignerWrongIdentity(identityId, uint8(kind));
        }
    }

    /// @dev Checks the deadline, that `nonce` is unused, and that `signature` over `structHash` (which the caller
    /// built with `nonce`) came from the identity's bound account; then marks the nonce used. The nonce is checked
    /// before recovery so that a replay names itself (IdentitySignerNonceUsed) instead of looking like a bad key.
    function _checkSignature(
        bytes32 identityId,
        IRegistrar.IdentityKind kind,
        bytes32 structHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) internal {
        if (block.timestamp > deadline) revert IdentitySignerExpired(deadline);
        uint256 bit = 1 << (nonce & 0xff);
        mapping(uint256 => uint256) storage bitmap = _nonceBitmap[identityId];
        uint256 bits = bitmap[nonce >> 8];
        if (bits & bit != 0) revert IdentitySignerNonceUsed(identityId, nonce);
        address account = _accountOf(identityId, kind);
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(_hashTypedDataV4(structHash), signature);
        if (err != ECDSA.RecoverError.NoError || recovered != account) {
            revert IdentitySignerInvalidSignature(identityId, recovered);
        }
        bitmap[nonce >> 8] = bits | bit;
    }
}
