// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRelationships — patient–provider relationships, record pointers and the per-identity Summary.
/// @notice A provider adds a record pointer to its relationship with a patient (opening the relationship on
/// first use); the patient accepts or rejects each record with an EIP-712 signature relayed by a RELAYER_ROLE
/// holder, and may end the relationship. Patients and providers are Registrar identity ids.
interface IRelationships {
    enum RelationshipStatus {
        None,
        Active,
        Ended
    }

    enum RecordStatus {
        None,
        Pending,
        Accepted,
        Rejected
    }

    /// @notice A relationship between a patient and a provider was opened by the provider's first record.
    event RelationshipOpened(bytes32 indexed relationshipId, bytes32 indexed patientId, bytes32 indexed providerId);
    /// @notice The patient ended the relationship; the provider can add no more records to it.
    event RelationshipEnded(bytes32 indexed relationshipId, bytes32 indexed patientId, bytes32 indexed providerId);
    /// @notice A provider added a record pointer, pending the patient's answer.
    event RecordAdded(
        bytes32 indexed recordId, bytes32 indexed relationshipId, bytes32 contentHash, bytes32 pointerHash
    );
    /// @notice The patient accepted the record.
    event RecordAccepted(bytes32 indexed recordId, bytes32 indexed patientId);
    /// @notice The patient rejected the record.
    event RecordRejected(bytes32 indexed recordId, bytes32 indexed patientId);

    /// @notice A record with this id already exists.
    error RelationshipsRecordExists(bytes32 recordId);
    /// @notice No record with this id exists.
    error RelationshipsRecordNotFound(bytes32 recordId);
    /// @notice The record was already accepted or rejected.
    error RelationshipsRecordNotPending(bytes32 recordId);
    /// @notice The record id or content hash is zero.
    error RelationshipsInvalidRecord();
    /// @notice The relationship was ended by the patient.
    error RelationshipsRelationshipEnded(bytes32 relationshipId);
    /// @notice The relationship does not exist or is not active.
    error RelationshipsRelationshipNotActive(bytes32 relationshipId);

    function addRecord(bytes32 patientId, bytes32 recordId, bytes32 contentHash, bytes32 pointerHash) external;

    function addRecordBySig(
        bytes32 providerId,
        bytes32 patientId,
        bytes32 recordId,
        bytes32 contentHash,
        bytes32 pointerHash,
        uint256 deadline,
        bytes calldata signature
    ) external;

    function respond(bytes32 recordId, bool accept) external;

    function respondBySig(bytes32 recordId, bool accept, uint256 deadline, bytes calldata signature) external;

    function endRelationship(bytes32 providerId) external;

    function endRelationshipBySig(bytes32 patientId, bytes32 providerId, uint256 deadline, bytes calldata signature)
        external;

    function recordOf(bytes32 recordId)
        external
        view
        returns (bytes32 patientId, bytes32 providerId, bytes32 contentHash, bytes32 pointerHash, RecordStatus status);

    function relationshipOf(bytes32 relationshipId)
        external
        view
        returns (bytes32 patientId, bytes32 providerId, RelationshipStatus status, uint256 recordCount);

    function relationshipIdOf(bytes32 patientId, bytes32 providerId) external pure returns (bytes32);

    /// @notice The Summary: every relationship an identity (patient or provider) takes part in.
    function relationshipsOf(bytes32 identityId) external view returns (bytes32[] memory);

    function recordsOf(bytes32 relationshipId) external view returns (bytes32[] memory);
}
