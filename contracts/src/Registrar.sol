// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IRegistrar} from "./IRegistrar.sol";

/// @title Registrar
/// @notice Identity registry. Ids are never reused: a retired id stays retired so that historical
/// relationships and grants that reference it can never be captured by a new identity.
contract Registrar is IRegistrar, AccessControlDefaultAdminRules {
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    struct Identity {
        IdentityKind kind;
        IdentityStatus status;
        address account;
        bytes32 identityHash;
    }

    mapping(bytes32 id => Identity) private _identities;
    mapping(address account => bytes32 id) private _idByAccount;
    mapping(bytes32 identityHash => bytes32 id) private _activeIdByHash;

    constructor(address admin, uint48 adminDelay) AccessControlDefaultAdminRules(adminDelay, admin) {}

    function register(bytes32 id, IdentityKind kind, bytes32 identityHash, address account)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        if (id == bytes32(0)) revert RegistrarZeroId();
        if (kind == IdentityKind.None) revert RegistrarInvalidKind();
        if (identityHash == bytes32(0)) revert RegistrarZeroIdentityHash();
        if (account == address(0)) revert RegistrarZeroAccount();
        if (_identities[id].status != IdentityStatus.None) revert RegistrarIdentityExists(id);
        bytes32 hashOwner = _activeIdByHash[identityHash];
        if (hashOwner != bytes32(0)) revert RegistrarIdentityHashInUse(identityHash, hashOwner);
        bytes32 accountOwner = _idByAccount[account];
        if (accountOwner != bytes32(0)) revert RegistrarAccountBound(account, accountOwner);

        _identities[id] = Identity(kind, IdentityStatus.Active, account, identityHash);
        _idByAccount[account] = id;
        _activeIdByHash[identityHash] = id;
        emit IdentityRegistered(id, kind, identityHash, account);
    }

    function edit(bytes32 id, IdentityKind kind, bytes32 identityHash) external onlyRole(REGISTRAR_ROLE) {
        Identity storage identity = _activeIdentity(id);
        if (kind == IdentityKind.None) revert RegistrarInvalidKind();
        if (identityHash == bytes32(0)) revert RegistrarZeroIdentityHash();
        bytes32 oldHash = identity.identityHash;
        if (identityHash != oldHash) {
            bytes32 hashOwner = _activeIdByHash[identityHash];
            if (hashOwner != bytes32(0)) revert RegistrarIdentityHashInUse(identityHash, hashOwner);
            delete _activeIdByHash[oldHash];
            _activeIdByHash[identityHash] = id;
            identity.identityHash = identityHash;
        }
        identity.kind = kind;
        emit IdentityEdited(id, kind, identityHash);
    }

    function retire(bytes32 id) external onlyRole(REGISTRAR_ROLE) {
        Identity storage identity = _activeIdentity(id);
        identity.status = IdentityStatus.Retired;
        address account = identity.account;
        delete _idByAccount[account];
        delete _activeIdByHash[identity.identityHash];
        emit IdentityRetired(id, account);
    }

    function rebind(bytes32 id, address newAccount) external onlyRole(REGISTRAR_ROLE) {
        Identity storage identity = _activeIdentity(id);
        if (newAccount == address(0)) revert RegistrarZeroAccount();
        bytes32 accountOwner = _idByAccount[newAccount];
        if (accountOwner != bytes32(0)) revert RegistrarAccountBound(newAccount, accountOwner);
        address oldAccount = identity.account;
        delete _idByAccount[oldAccount];
        _idByAccount[newAccount] = id;
        identity.account = newAccount;
        emit IdentityRebound(id, oldAccount, newAccount);
    }

    function identityOf(bytes32 id)
        external
        view
        returns (IdentityKind kind, IdentityStatus status, bytes32 identityHash, address account)
    {
        Identity storage identity = _identities[id];
        return (identity.kind, identity.status, identity.identityHash, identity.account);
    }

    function activeAccountOf(bytes32 id) external view returns (address account, IdentityKind kind) {
        Identity storage identity = _identities[id];
        if (identity.status != IdentityStatus.Active) return (address(0), IdentityKind.None);
        return (identity.account, identity.kind);
    }

    function idOf(address account) external view returns (bytes32) {
        return _idByAccount[account];
    }

    function isActive(address account) external view returns (bool) {
        return _idByAccount[account] != bytes32(0);
    }

    function kindOf(address account) external view returns (IdentityKind) {
        bytes32 id = _idByAccount[account];
        if (id == bytes32(0)) return IdentityKind.None;
        return _identities[id].kind;
    }

    function _activeIdentity(bytes32 id) private view returns (Identity storage identity) {
        identity = _identities[id];
        if (identity.status == IdentityStatus.None) revert RegistrarIdentityNotFound(id);
        if (identity.status == IdentityStatus.Retired) revert RegistrarIdentityRetired(id);
    }
}
