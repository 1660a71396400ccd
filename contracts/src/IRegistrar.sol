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

    function register(bytes32 id, IdentityKind kind, bytes32 identityHash, address account) external;

    function edit(bytes32 id, IdentityKind kind, bytes32 identityHash) external;

    function retire(bytes32 id) external;

    function rebind(bytes32 id, address newAccount) external;

    function identityOf(bytes32 id)
        external
        view
        returns (IdentityKind kind, IdentityStatus status, bytes32 identityHash, address account);

    /// @notice The account acting for an active identity, and its kind; (address(0), None) if not active.
    function activeAccountOf(bytes32 id) external view returns (address account, IdentityKind kind);

    function idOf(address account) external view returns (bytes32);

    function isActive(address account) external view returns (bool);

    function kindOf(address account) external view returns (IdentityKind);
}
