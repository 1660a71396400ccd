// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IIdentitySigner — EIP-712 authorisation on behalf of a Registrar identity.
/// @notice Signed actions name an identity id; the signature must come from the account that is bound to
/// that id in the Registrar at execution time, so a rebind (key-loss recovery) invalidates the lost key.
/// Nonces are unordered (a bitmap per identity, as Uniswap Permit2): any value may be used once, in any order,
/// so signatures made at the same moment by one key never collide.
interface IIdentitySigner {
    /// @notice The signature's deadline has passed.
    error IdentitySignerExpired(uint256 deadline);
    /// @notice The signature was not produced by the identity's bound account (wrong signer, tampered fields
    /// or wrong domain all end here).
    error IdentitySignerInvalidSignature(bytes32 identityId, address recovered);
    /// @notice The identity is not active or not of the kind the action needs.
    error IdentitySignerWrongIdentity(bytes32 identityId, uint8 expectedKind);
    /// @notice The identity already used this nonce in this contract (a replay or a reused nonce).
    error IdentitySignerNonceUsed(bytes32 identityId, uint256 nonce);

    /// @notice Whether `identityId` already used `nonce` in this contract.
    /// @param identityId The Registrar identity id.
    /// @param nonce Any 256-bit value; bit `nonce & 255` of word `nonce >> 8` of the identity's bitmap.
    /// @return True once a signature carrying this nonce has been accepted.
    function nonceUsed(bytes32 identityId, uint256 nonce) external view returns (bool);
}
