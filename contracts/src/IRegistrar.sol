// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRegistrar — the UHR identity registry (the paper's Registrar Contract).
/// @notice Maps an opaque identity id to its kind, a hash of the off-chain identity document and the
/// Ethereum account that acts for it. Only REGISTRAR_ROLE holders change identities.
interface IRegistrar {
    enum IdentityKind {
        None,
        Patient,
        Provider,
        ThirdParty
    }

    enum IdentityStatus {
        None,
        Active,
        Retired
    }

    /// @notice An identity was registered and bound to `account`.
    event IdentityRegistered(bytes32 indexed id, IdentityKind kind, bytes32 identityHash, address indexed account);
    /// @notice An active identity's kind or identity hash changed.
    event IdentityEdited(bytes32 indexed id, IdentityKind kind, bytes32 identityHash);
    /// @notice An identity was retired; its account binding and identity hash were released.
    event IdentityRetired(bytes32 indexed id, address indexed account);
    /// @notice An identity's account was replaced (key-loss recovery).
    event IdentityRebound(bytes32 indexed id, address indexed oldAccount, address indexed newAccount);

    /// @notice The id is zero.
    error RegistrarZeroId();
    /// @notice The kind is `None`.
    error RegistrarInvalidKind();
    /// @notice The account is the zero address.
    error RegistrarZeroAccount();
    /// @notice The identity hash is zero.
    error RegistrarZeroIdentityHash();
    /// @notice An identity with this id was already registered (active or retired ids are never reused).
    error RegistrarIdentityExists(bytes32 id);
    /// @notice No identity with this id was registered.
    error RegistrarIdentityNotFound(bytes32 id);
    /// @notice The identity is retired and can no longer change.
    error RegistrarIdentityRetired(bytes32 id);
    /// @notice The identity hash already belongs to another active identity.
    error RegistrarIdentityHashInUse(bytes32 identityHash, bytes32 existingId);
    /// @notice The account already acts for an active identity.
    error RegistrarAccountBound(address account, bytes32 existingId);

    /// @notice Registers an identity and binds it to an account (REGISTRAR_ROLE only).
    /// @param id A new, non-zero identity id (never reused).
    /// @param kind Patient, Provider or ThirdParty.
    /// @param identityHash A non-zero hash of the off-chain identity document, unique among active identities.
    /// @param account The account that acts for the identity, bound to no other active identity.
    function register(bytes32 id, IdentityKind kind, bytes32 identityHash, address account) external;

    /// @notice Changes an active identity's kind or identity hash (REGISTRAR_ROLE only).
    /// @param id The identity id.
    /// @param kind The new kind (not None).
    /// @param identityHash The new identity hash (not zero, not another active identity's).
    function edit(bytes32 id, IdentityKind kind, bytes32 identityHash) external;

    /// @notice Retires an identity, releasing its account and identity hash; the id is never reused
    /// (REGISTRAR_ROLE only).
    /// @param id The identity id.
    function retire(bytes32 id) external;

    /// @notice Replaces an active identity's account (key-loss recovery); signatures by the old key stop working
    /// at once (REGISTRAR_ROLE only).
    /// @param id The identity id.
    /// @param newAccount The new account, bound to no other active identity.
    function rebind(bytes32 id, address newAccount) external;

    /// @notice An identity's kind, status, identity hash and account (zeros if unknown).
    /// @param id The identity id.
    /// @return kind The identity's kind.
    /// @return status None, Active or Retired.
    /// @return identityHash The hash of the identity document.
    /// @return account The bound account (zero once retired).
    function identityOf(bytes32 id)
        external
        view
        returns (IdentityKind kind, IdentityStatus status, bytes32 identityHash, address account);

    /// @notice The account acting for an active identity, and its kind; (address(0), None) if not active.
    /// @param id The identity id.
    /// @return account The bound account.
    /// @return kind The identity's kind.
    function activeAccountOf(bytes32 id) external view returns (address account, IdentityKind kind);

    /// @notice The active identity an account acts for (zero if none).
    /// @param account The account.
    /// @return The identity id.
    function idOf(address account) external view returns (bytes32);

    /// @notice Whether the account acts for an active identity.
    /// @param account The account.
    /// @return True if so.
    function isActive(address account) external view returns (bool);

    /// @notice The kind of the active identity an account acts for (None if none).
    /// @param account The account.
    /// @return The kind.
    function kindOf(address account) external view returns (IdentityKind);
}
