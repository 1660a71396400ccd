// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IRegistrar} from "./IRegistrar.sol";
import {IConsent} from "./IConsent.sol";
import {IdentitySigner} from "./IdentitySigner.sol";

/// @title Consent
/// @notice Grants are keyed by a caller-chosen id (so a relaying service knows it before the transaction is
/// mined). A record is readable under a grant only if it belongs to the grant's patient — a patient cannot grant
/// access to somebody else's record by listing its id. Records live in Merkle batches (Relationships), so the
/// gatekeeper proves the record's patient and category against the anchored root and passes them in.
contract Consent is IConsent, IdentitySigner, AccessControlDefaultAdminRules {
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");
    bytes32 public constant GATEKEEPER_ROLE = keccak256("GATEKEEPER_ROLE");

    uint64 public constant MAX_BREAK_GLASS_DURATION = 24 hours;
    uint256 public constant MAX_SCOPE_ITEMS = 64;

    bytes32 public constant GRANT_TYPEHASH = keccak256(
        "Grant(bytes32 grantId,bytes32 patientId,address grantee,bytes32[] recordIds,bytes32[] categories,bytes32 purpose,uint64 validFrom,uint64 validUntil,uint32 maxUses,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant REVOKE_TYPEHASH = keccak256("Revoke(bytes32 grantId,uint256 nonce,uint256 deadline)");
    bytes32 public constant BREAK_GLASS_TYPEHASH = keccak256(
        "BreakGlass(bytes32 providerId,bytes32 patientId,bytes32 reasonCode,uint64 duration,uint256 nonce,uint256 deadline)"
    );

    mapping(bytes32 grantId => Grant) private _grants;
    mapping(bytes32 grantId => mapping(bytes32 recordId => bool)) private _recordScope;
    mapping(bytes32 grantId => mapping(bytes32 category => bool)) private _categoryScope;
    mapping(bytes32 patientId => bytes32[]) private _grantsOf;
    mapping(address grantee => bytes32[]) private _grantsTo;
    uint256 private _breakGlassCount;

    constructor(address admin, uint48 adminDelay, IRegistrar registrar)
        IdentitySigner(registrar, "UHR Consent")
        AccessControlDefaultAdminRules(adminDelay, admin)
    {}

    function grantBySig(GrantRequest calldata request, bytes calldata signature) external onlyRole(RELAYER_ROLE) {
        _checkSignature(
            request.patientId,
            IRegistrar.IdentityKind.Patient,
            _grantStructHash(request),
            request.nonce,
            request.deadline,
            signature
        );
        bytes32 grantId = request.grantId;
        if (grantId == bytes32(0) || _grants[grantId].patientId != bytes32(0)) revert ConsentGrantExists(grantId);
        if (request.grantee == address(0)) revert ConsentInvalidGrantee();
        if (request.validUntil <= request.validFrom || request.validUntil <= block.timestamp) {
            revert ConsentInvalidWindow(request.validFrom, request.validUntil);
        }
        uint256 items = request.recordIds.length + request.categories.length;
        if (items == 0 || items > MAX_SCOPE_ITEMS) revert ConsentInvalidScope(items);

        _grants[grantId] = Grant({
            patientId: request.patientId,
            grantee: request.grantee,
            validFrom: request.validFrom,
            validUntil: request.validUntil,
            maxUses: request.maxUses,
            uses: 0,
            revoked: false,
            emergency: false,
            purpose: request.purpose
        });
        for (uint256 i = 0; i < request.recordIds.length; ++i) {
            _recordScope[grantId][request.recordIds[i]] = true;
        }
        for (uint256 i = 0; i < request.categories.length; ++i) {
            _categoryScope[grantId][request.categories[i]] = true;
        }
        _grantsOf[request.patientId].push(grantId);
        _grantsTo[request.grantee].push(grantId);
        _emitIssued(request);
    }

    function revokeBySig(bytes32 grantId, uint256 nonce, uint256 deadline, bytes calldata signature)
        external
        onlyRole(RELAYER_ROLE)
    {
        bytes32 patientId = _existing(grantId).patientId;
        bytes32 structHash = keccak256(abi.encode(REVOKE_TYPEHASH, grantId, nonce, deadline));
        _checkSignature(patientId, IRegistrar.IdentityKind.Patient, structHash, nonce, deadline, signature);
        _revoke(grantId, patientId);
    }

    function revoke(bytes32 grantId) external {
        bytes32 patientId = _existing(grantId).patientId;
        if (_callerId(IRegistrar.IdentityKind.Patient) != patientId) {
            revert IdentitySignerWrongIdentity(patientId, uint8(IRegistrar.IdentityKind.Patient));
        }
        _revoke(grantId, patientId);
    }

    function consume(bytes32 grantId, address reader, bytes32 recordPatientId, bytes32 recordId, bytes32 category)
        external
        onlyRole(GATEKEEPER_ROLE)
    {
        Verdict v = _verdict(grantId, reader, recordPatientId, recordId, category);
        if (v != Verdict.Permitted) _revertFor(v, grantId, reader, recordId, category);
        Grant storage grant = _grants[grantId];
        uint32 uses = grant.uses + 1;
        grant.uses = uses;
        emit GrantConsumed(grantId, reader, recordId, uses);
    }

    function breakGlass(bytes32 patientId, bytes32 reasonCode, uint64 duration) external returns (bytes32) {
        return _breakGlass(_callerId(IRegistrar.IdentityKind.Provider), msg.sender, patientId, reasonCode, duration);
    }

    function breakGlassBySig(
        bytes32 providerId,
        bytes32 patientId,
        bytes32 reasonCode,
        uint64 duration,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external onlyRole(RELAYER_ROLE) returns (bytes32) {
        bytes32 structHash =
            keccak256(abi.encode(BREAK_GLASS_TYPEHASH, providerId, patientId, reasonCode, duration, nonce, deadline));
        _checkSignature(providerId, IRegistrar.IdentityKind.Provider, structHash, nonce, deadline, signature);
        address grantee = _accountOf(providerId, IRegistrar.IdentityKind.Provider);
        return _breakGlass(providerId, grantee, patientId, reasonCode, duration);
    }

    function grantOf(bytes32 grantId) external view returns (Grant memory) {
        return _grants[grantId];
    }

    function verdict(bytes32 grantId, address reader, bytes32 recordPatientId, bytes32 recordId, bytes32 category)
        external
        view
        returns (Verdict)
    {
        return _verdict(grantId, reader, recordPatientId, recordId, category);
    }

    function isPermitted(bytes32 grantId, address reader, bytes32 recordPatientId, bytes32 recordId, bytes32 category)
        external
        view
        returns (bool)
    {
        return _verdict(grantId, reader, recordPatientId, recordId, category) == Verdict.Permitted;
    }

    /// @dev Convenience for off-chain callers (eth_call): scans the reader's grants, so its cost grows with them.
    function mayRead(address reader, bytes32 recordPatientId, bytes32 recordId, bytes32 category)
        external
        view
        returns (bool permitted, bytes32 grantId)
    {
        bytes32[] storage ids = _grantsTo[reader];
        for (uint256 i = 0; i < ids.length; ++i) {
            if (_verdict(ids[i], reader, recordPatientId, recordId, category) == Verdict.Permitted) {
                return (true, ids[i]);
            }
        }
        return (false, bytes32(0));
    }

    function inScope(bytes32 grantId, bytes32 recordId, bytes32 category) public view returns (bool) {
        return _grants[grantId].emergency || _recordScope[grantId][recordId] || _categoryScope[grantId][category];
    }

    function grantsOf(bytes32 patientId) external view returns (bytes32[] memory) {
        return _grantsOf[patientId];
    }

    function grantsTo(address grantee) external view returns (bytes32[] memory) {
        return _grantsTo[grantee];
    }

    function _breakGlass(bytes32 providerId, address grantee, bytes32 patientId, bytes32 reasonCode, uint64 duration)
        private
        returns (bytes32 grantId)
    {
        if (duration == 0 || duration > MAX_BREAK_GLASS_DURATION) revert ConsentInvalidBreakGlassDuration(duration);
        if (reasonCode == bytes32(0)) revert ConsentMissingReason();
        _accountOf(patientId, IRegistrar.IdentityKind.Patient);
        uint256 count = ++_breakGlassCount;
        grantId = keccak256(abi.encode("UHR.breakGlass", providerId, patientId, count));
        uint64 validUntil = uint64(block.timestamp) + duration;
        _grants[grantId] = Grant({
            patientId: patientId,
            grantee: grantee,
            validFrom: uint64(block.timestamp),
            validUntil: validUntil,
            maxUses: 0,
            uses: 0,
            revoked: false,
            emergency: true,
            purpose: reasonCode
        });
        _grantsOf[patientId].push(grantId);
        _grantsTo[grantee].push(grantId);
        emit BreakGlassUsed(grantId, patientId, providerId, grantee, reasonCode, validUntil);
    }

    function _emitIssued(GrantRequest calldata r) private {
        emit GrantIssued(
            r.grantId, r.patientId, r.grantee, r.recordIds, r.categories, r.purpose, r.validFrom, r.validUntil, r.maxUses
        );
    }

    function _revoke(bytes32 grantId, bytes32 patientId) private {
        Grant storage grant = _grants[grantId];
        if (grant.revoked) revert ConsentGrantRevoked(grantId);
        grant.revoked = true;
        emit GrantRevoked(grantId, patientId);
    }

    function _existing(bytes32 grantId) private view returns (Grant storage grant) {
        grant = _grants[grantId];
        if (grant.patientId == bytes32(0)) revert ConsentGrantNotFound(grantId);
    }

    function _verdict(bytes32 grantId, address reader, bytes32 recordPatientId, bytes32 recordId, bytes32 category)
        private
        view
        returns (Verdict)
    {
        Grant storage grant = _grants[grantId];
        if (grant.patientId == bytes32(0)) return Verdict.GrantNotFound;
        if (grant.revoked) return Verdict.Revoked;
        if (block.timestamp < grant.validFrom) return Verdict.NotYetValid;
        if (block.timestamp >= grant.validUntil) return Verdict.Expired;
        if (grant.maxUses != 0 && grant.uses >= grant.maxUses) return Verdict.Exhausted;
        if (reader != grant.grantee) return Verdict.NotGrantee;
        if (recordPatientId != grant.patientId) return Verdict.RecordNotOfPatient;
        if (!inScope(grantId, recordId, category)) return Verdict.OutOfScope;
        return Verdict.Permitted;
    }

    function _revertFor(Verdict v, bytes32 grantId, address reader, bytes32 recordId, bytes32 category)
        private
        pure
    {
        if (v == Verdict.GrantNotFound) revert ConsentGrantNotFound(grantId);
        if (v == Verdict.Revoked) revert ConsentGrantRevoked(grantId);
        if (v == Verdict.NotYetValid) revert ConsentGrantNotYetValid(grantId);
        if (v == Verdict.Expired) revert ConsentGrantExpired(grantId);
        if (v == Verdict.Exhausted) revert ConsentGrantExhausted(grantId);
        if (v == Verdict.NotGrantee) revert ConsentNotGrantee(grantId, reader);
        if (v == Verdict.RecordNotOfPatient) revert ConsentRecordNotOfPatient(grantId, recordId);
        revert ConsentOutOfScope(grantId, recordId, category);
    }

    function _grantStructHash(GrantRequest calldata r) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                GRANT_TYPEHASH,
                r.grantId,
                r.patientId,
                r.grantee,
                keccak256(abi.encodePacked(r.recordIds)),
                keccak256(abi.encodePacked(r.categories)),
                r.purpose,
                r.validFrom,
                r.validUntil,
                r.maxUses,
                r.nonce,
                r.deadline
            )
        );
    }
}
