// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IOrganCustody — the custody chain of a procured organ, one co-signed hand-off per transaction.
/// @notice Each hand-off (procurement → labelling → courier → check-in → ABO/identity verification → transplant)
/// is signed with EIP-712 by the releasing and the receiving party, each an identity whose key the Registrar
/// binds. Organs and donors are opaque ids: nothing here names a person. A laterality or ABO discrepancy declared
/// at check-in blocks the organ until two distinct clinicians co-sign a reconciliation.
interface IOrganCustody {
    enum Stage {
        None,
        Procured,
        Labelled,
        InTransit,
        CheckedIn,
        Verified,
        Transplanted
    }

    /// @notice A hand-off, as both parties sign it (`nonce` is spent in each party's own bitmap).
    struct HandOff {
        bytes32 organId;
        uint32 seq;
        Stage stage;
        bytes32 fromId;
        bytes32 toId;
        bytes32 detailsHash;
        bool discrepancy;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice Two clinicians resolving a check-in discrepancy.
    struct Reconciliation {
        bytes32 organId;
        bytes32 clinicianA;
        bytes32 clinicianB;
        bytes32 resolutionHash;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice An organ entered custody with its procuring party.
    event OrganRegistered(bytes32 indexed organId, bytes32 indexed donorId, bytes32 custodianId, bytes32 dataHash);
    /// @notice Custody passed from `fromId` to `toId` at `stage`.
    event CustodyHandedOff(
        bytes32 indexed organId,
        uint32 seq,
        Stage stage,
        bytes32 indexed fromId,
        bytes32 indexed toId,
        bytes32 detailsHash
    );
    /// @notice A discrepancy was declared at check-in; the organ may not move on until reconciled.
    event OrganBlocked(bytes32 indexed organId, bytes32 declaredBy, bytes32 detailsHash);
    /// @notice Two clinicians reconciled the discrepancy.
    event OrganReconciled(bytes32 indexed organId, bytes32 clinicianA, bytes32 clinicianB, bytes32 resolutionHash);

    /// @notice The organ was never registered.
    error OrganCustodyUnknownOrgan(bytes32 organId);
    /// @notice The organ (or a zero id) was registered already.
    error OrganCustodyOrganExists(bytes32 organId);
    /// @notice The hand-off is not the next one in the organ's sequence.
    error OrganCustodyOutOfOrder(bytes32 organId, uint32 expectedSeq, uint32 seq);
    /// @notice The hand-off's stage is not the one after the organ's current stage.
    error OrganCustodyWrongStage(bytes32 organId, Stage expected, Stage stage);
    /// @notice The releasing party does not hold the organ.
    error OrganCustodyNotCustodian(bytes32 organId, bytes32 custodianId, bytes32 fromId);
    /// @notice A party's signature is missing: a gap in the custody chain.
    error OrganCustodyMissingSignature(bytes32 organId, bytes32 partyId);
    /// @notice The organ is blocked by an unreconciled discrepancy.
    error OrganCustodyBlocked(bytes32 organId);
    /// @notice There is nothing to reconcile.
    error OrganCustodyNotBlocked(bytes32 organId);
    /// @notice A reconciliation needs two different clinicians; a hand-off two different parties.
    error OrganCustodySameParty(bytes32 partyId);
    /// @notice A discrepancy may be declared only at check-in.
    error OrganCustodyDiscrepancyOutsideCheckIn(bytes32 organId, Stage stage);

    /// @notice Registers an organ in the custody of its procuring party (RELAYER_ROLE).
    /// @param organId Opaque organ id (keccak-256 of the registry's id).
    /// @param donorId Opaque donor id (keccak-256 of the registry's id).
    /// @param custodianId The Registrar identity of the procuring party.
    /// @param dataHash Hash of the organ's clinical record in the registry.
    function registerOrgan(bytes32 organId, bytes32 donorId, bytes32 custodianId, bytes32 dataHash) external;

    /// @notice Records one hand-off signed by both parties (RELAYER_ROLE).
    /// @param handOff The hand-off both parties signed.
    /// @param fromSignature The releasing party's EIP-712 signature; empty is a custody gap.
    /// @param toSignature The receiving party's EIP-712 signature; empty is a custody gap.
    function handOff(HandOff calldata handOff, bytes calldata fromSignature, bytes calldata toSignature) external;

    /// @notice Unblocks an organ after a check-in discrepancy, co-signed by two clinicians (RELAYER_ROLE).
    /// @param r The reconciliation both clinicians signed.
    /// @param signatureA Clinician A's EIP-712 signature.
    /// @param signatureB Clinician B's EIP-712 signature.
    function reconcile(Reconciliation calldata r, bytes calldata signatureA, bytes calldata signatureB) external;

    /// @notice Where an organ's custody stands.
    /// @param organId The opaque organ id.
    /// @return donorId The opaque donor id.
    /// @return custodianId Who holds it now.
    /// @return seq How many hand-offs it has had.
    /// @return stage Its current stage.
    /// @return blocked Whether a discrepancy awaits reconciliation.
    function custodyOf(bytes32 organId)
        external
        view
        returns (bytes32 donorId, bytes32 custodianId, uint32 seq, Stage stage, bool blocked);
}
