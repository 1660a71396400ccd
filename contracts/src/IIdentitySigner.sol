// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IIdentitySigner — EIP-712 authorisation on behalf of a Registrar identity.
/// @notice Signed actions name an identity id; the signature must come from the account that is bound to
/// that id in the Registrar at execution time, so a rebind (key-loss recovery) invalidates the lost key.
interface IIdentitySigner {
    /// @notice The signature's deadline has passed.
    error IdentitySignerExpired(uint256 deadline);
    /// @notice The signature was not produced by the identity's bound account (wrong signer, wrong
    /// nonce, replay or tampered fields all end here).
    error IdentitySignerInvalidSignature(bytes32 identityId, address recovered);
    /// @notice The identity is not active or not of the kind the action needs.
    error IdentitySignerWrongIdentity(bytes32 identityId, uint8 expectedKind);

    /// @notice The next nonce an identity must sign with in this contract.
    function nonces(bytes32 identityId) external view returns (uint256);
}
