// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IRegistrar} from "./IRegistrar.sol";
import {IOrganCustody} from "./IOrganCustody.sol";
import {IdentitySigner} from "./IdentitySigner.sol";

/// @title OrganCustody
/// @notice One transaction per hand-off (high-stakes, low-rate: ARCHITECTURE.md rule 5). The organ registry
/// relays what the parties signed; it cannot forge a hand-off, because each party's key is the one the Registrar
/// binds to its identity at the time the hand-off is written.
contract OrganCustody is IOrganCustody, IdentitySigner, AccessControlDefaultAdminRules {
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");

    bytes32 public constant HANDOFF_TYPEHASH = keccak256(
        "HandOff(bytes32 organId,uint32 seq,uint8 stage,bytes32 fromId,bytes32 toId,bytes32 detailsHash,bool discrepancy,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant RECONCILIATION_TYPEHASH = keccak256(
        "Reconciliation(bytes32 organId,bytes32 clinicianA,bytes32 clinicianB,bytes32 resolutionHash,uint256 nonce,uint256 deadline)"
    );

    struct Custody {
        bytes32 donorId;
        bytes32 custodianId;
        uint32 seq;
        Stage stage;
        bool blocked;
    }

    mapping(bytes32 organId => Custody) private _custody;

    constructor(address admin, uint48 adminDelay, IRegistrar registrar)
        IdentitySigner(registrar, "UHR OrganCustody")
        AccessControlDefaultAdminRules(adminDelay, admin)
    {}

    function registerOrgan(bytes32 organId, bytes32 donorId, bytes32 custodianId, bytes32 dataHash)
        external
        onlyRole(RELAYER_ROLE)
    {
        if (organId == bytes32(0) || _custody[organId].stage != Stage.None) revert OrganCustodyOrganExists(organId);
        _custodianKind(custodianId);
        _custody[organId] =
            Custody({donorId: donorId, custodianId: custodianId, seq: 0, stage: Stage.Procured, blocked: false});
        emit OrganRegistered(organId, donorId, custodianId, dataHash);
    }

    function handOff(HandOff calldata h, bytes calldata fromSignature, bytes calldata toSignature)
        external
        onlyRole(RELAYER_ROLE)
    {
        Custody storage c = _existing(h.organId);
        _checkOrder(c, h);
        if (fromSignature.length == 0) revert OrganCustodyMissingSignature(h.organId, h.fromId);
        if (toSignature.length == 0) revert OrganCustodyMissingSignature(h.organId, h.toId);
        bytes32 structHash = _handOffHash(h);
        _checkSignature(h.fromId, _custodianKind(h.fromId), structHash, h.nonce, h.deadline, fromSignature);
        _checkSignature(h.toId, _custodianKind(h.toId), structHash, h.nonce, h.deadline, toSignature);
        c.custodianId = h.toId;
        c.seq = h.seq + 1;
        c.stage = h.stage;
        emit CustodyHandedOff(h.organId, h.seq, h.stage, h.fromId, h.toId, h.detailsHash);
        if (h.discrepancy) {
            c.blocked = true;
            emit OrganBlocked(h.organId, h.toId, h.detailsHash);
        }
    }

    function reconcile(Reconciliation calldata r, bytes calldata signatureA, bytes calldata signatureB)
        external
        onlyRole(RELAYER_ROLE)
    {
        Custody storage c = _existing(r.organId);
        if (!c.blocked) revert OrganCustodyNotBlocked(r.organId);
        if (r.clinicianA == r.clinicianB) revert OrganCustodySameParty(r.clinicianA);
        if (signatureA.length == 0) revert OrganCustodyMissingSignature(r.organId, r.clinicianA);
        if (signatureB.length == 0) revert OrganCustodyMissingSignature(r.organId, r.clinicianB);
        bytes32 structHash = keccak256(
            abi.encode(
                RECONCILIATION_TYPEHASH, r.organId, r.clinicianA, r.clinicianB, r.resolutionHash, r.nonce, r.deadline
            )
        );
        _checkSignature(r.clinicianA, IRegistrar.IdentityKind.Provider, structHash, r.nonce, r.deadline, signatureA);
        _checkSignature(r.clinicianB, IRegistrar.IdentityKind.Provider, structHash, r.nonce, r.deadline, signatureB);
        c.blocked = false;
        emit OrganReconciled(r.organId, r.clinicianA, r.clinicianB, r.resolutionHash);
    }

    function custodyOf(bytes32 organId)
        external
        view
        returns (bytes32 donorId, bytes32 custodianId, uint32 seq, Stage stage, bool blocked)
    {
        Custody storage c = _existing(organId);
        return (c.donorId, c.custodianId, c.seq, c.stage, c.blocked);
    }

    function _existing(bytes32 organId) private view returns (Custody storage c) {
        c = _custody[organId];
        if (c.stage == Stage.None) revert OrganCustodyUnknownOrgan(organId);
    }

    /// @dev The next hand-off in sequence, at the next stage, released by the holder, to someone else; a blocked
    /// organ moves nowhere, and only check-in may declare a discrepancy.
    function _checkOrder(Custody storage c, HandOff calldata h) private view {
        if (c.blocked) revert OrganCustodyBlocked(h.organId);
        if (h.seq != c.seq) revert OrganCustodyOutOfOrder(h.organId, c.seq, h.seq);
        Stage next = c.stage == Stage.Transplanted ? Stage.Transplanted : Stage(uint8(c.stage) + 1);
        if (c.stage == Stage.Transplanted || h.stage != next) revert OrganCustodyWrongStage(h.organId, next, h.stage);
        if (h.fromId != c.custodianId) revert OrganCustodyNotCustodian(h.organId, c.custodianId, h.fromId);
        if (h.fromId == h.toId) revert OrganCustodySameParty(h.toId);
        if (h.discrepancy && h.stage != Stage.CheckedIn) revert OrganCustodyDiscrepancyOutsideCheckIn(h.organId, h.stage);
    }

    /// @dev Custodians are providers (hospitals, OPO staff) or third parties (couriers).
    function _custodianKind(bytes32 identityId) private view returns (IRegistrar.IdentityKind kind) {
        (, kind) = _registrar.activeAccountOf(identityId);
        if (kind != IRegistrar.IdentityKind.Provider && kind != IRegistrar.IdentityKind.ThirdParty) {
            revert IdentitySignerWrongIdentity(identityId, uint8(IRegistrar.IdentityKind.Provider));
        }
    }

    function _handOffHash(HandOff calldata h) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                HANDOFF_TYPEHASH,
                h.organId,
                h.seq,
                uint8(h.stage),
                h.fromId,
                h.toId,
                h.detailsHash,
                h.discrepancy,
                h.nonce,
                h.deadline
            )
        );
    }
}
