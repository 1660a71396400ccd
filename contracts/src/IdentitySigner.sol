// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IRegistrar} from "./IRegistrar.sol";
import {IIdentitySigner} from "./IIdentitySigner.sol";

/// @title IdentitySigner
/// @notice Shared EIP-712 plumbing: per-identity sequential nonces, deadlines and signer resolution
/// through the Registrar. Nonces are keyed by identity id (not by address) so that they survive a rebind.
abstract contract IdentitySigner is IIdentitySigner, EIP712 {
    IRegistrar internal immutable _registrar;

    mapping(bytes32 identityId => uint256) private _nonces;

    constructor(IRegistrar registrar_, string memory name) EIP712(name, "1") {
        _registrar = registrar_;
    }

    function nonces(bytes32 identityId) external view returns (uint256) {
        return _nonces[identityId];
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

    /// @dev Checks the deadline and that `signature` over `structHash` (built by the caller with
    /// `_currentNonce(identityId)`) came from the identity's bound account, then consumes the nonce.
    function _checkSignature(
        bytes32 identityId,
        IRegistrar.IdentityKind kind,
        bytes32 structHash,
        uint256 deadline,
        bytes calldata signature
    ) internal {
        if (block.timestamp > deadline) revert IdentitySignerExpired(deadline);
        address account = _accountOf(identityId, kind);
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(_hashTypedDataV4(structHash), signature);
        if (err != ECDSA.RecoverError.NoError || recovered != account) {
            revert IdentitySignerInvalidSignature(identityId, recovered);
        }
        unchecked {
            ++_nonces[identityId];
        }
    }

    /// @dev The nonce the next signature of `identityId` must carry.
    function _currentNonce(bytes32 identityId) internal view returns (uint256) {
        return _nonces[identityId];
    }
}
