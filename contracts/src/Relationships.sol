// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IRegistrar} from "./IRegistrar.sol";
import {IRelationships} from "./IRelationships.sol";
import {IdentitySigner} from "./IdentitySigner.sol";

/// @title Relationships (the paper's Patient–Provider Relationship and Summary contracts)
/// @notice Providers add records either directly from their bound account or through a RELAYER_ROLE holder
/// with the provider's EIP-712 signature; patients answer and end relationships the same two ways.
contract Relationships is IRelationships, IdentitySigner, AccessControlDefaultAdminRules {
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");

    bytes32 public constant ADD_RECORD_TYPEHASH = keccak256(
        "AddRecord(bytes32 providerId,bytes32 patientId,bytes32 recordId,bytes32 contentHash,bytes32 pointerHash,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant RESPOND_TYPEHASH =
        keccak256("RespondToRecord(bytes32 recordId,bool accept,uint256 nonce,uint256 deadline)");
    bytes32 public constant END_RELATIONSHIP_TYPEHASH =
        keccak256("EndRelationship(bytes32 patientId,bytes32 providerId,uint256 nonce,uint256 deadline)");

    struct Record {
        bytes32 relationshipId;
        bytes32 contentHash;
        bytes32 pointerHash;
        RecordStatus status;
    }

    struct Relationship {
        bytes32 patientId;
        bytes32 providerId;
        RelationshipStatus status;
        bytes32[] records;
    }

    mapping(bytes32 recordId => Record) private _records;
    mapping(bytes32 relationshipId => Relationship) private _relationships;
    mapping(bytes32 identityId => bytes32[]) private _summary;

    constructor(address admin, uint48 adminDelay, IRegistrar registrar)
        IdentitySigner(registrar, "UHR Relationships")
        AccessControlDefaultAdminRules(adminDelay, admin)
    {}

    function addRecord(bytes32 patientId, bytes32 recordId, bytes32 contentHash, bytes32 pointerHash) external {
        _addRecord(_callerId(IRegistrar.IdentityKind.Provider), patientId, recordId, contentHash, pointerHash);
    }

    function addRecordBySig(
        bytes32 providerId,
        bytes32 patientId,
        bytes32 recordId,
        bytes32 contentHash,
        bytes32 pointerHash,
        uint256 deadline,
        bytes calldata signature
    ) external onlyRole(RELAYER_ROLE) {
        bytes32 structHash = keccak256(
            abi.encode(
                ADD_RECORD_TYPEHASH,
                providerId,
                patientId,
                recordId,
                contentHash,
                pointerHash,
                _currentNonce(providerId),
                deadline
            )
        );
        _checkSignature(providerId, IRegistrar.IdentityKind.Provider, structHash, deadline, signature);
        _addRecord(providerId, patientId, recordId, contentHash, pointerHash);
    }

    function respond(bytes32 recordId, bool accept) external {
        bytes32 patientId = _patientOfRecord(recordId);
        if (_callerId(IRegistrar.IdentityKind.Patient) != patientId) {
            revert IdentitySignerWrongIdentity(patientId, uint8(IRegistrar.IdentityKind.Patient));
        }
        _respond(recordId, patientId, accept);
    }

    function respondBySig(bytes32 recordId, bool accept, uint256 deadline, bytes calldata signature)
        external
        onlyRole(RELAYER_ROLE)
    {
        bytes32 patientId = _patientOfRecord(recordId);
        bytes32 structHash =
            keccak256(abi.encode(RESPOND_TYPEHASH, recordId, accept, _currentNonce(patientId), deadline));
        _checkSignature(patientId, IRegistrar.IdentityKind.Patient, structHash, deadline, signature);
        _respond(recordId, patientId, accept);
    }

    function endRelationship(bytes32 providerId) external {
        _end(_callerId(IRegistrar.IdentityKind.Patient), providerId);
    }

    function endRelationshipBySig(bytes32 patientId, bytes32 providerId, uint256 deadline, bytes calldata signature)
        external
        onlyRole(RELAYER_ROLE)
    {
        bytes32 structHash = keccak256(
            abi.encode(END_RELATIONSHIP_TYPEHASH, patientId, providerId, _currentNonce(patientId), deadline)
        );
        _checkSignature(patientId, IRegistrar.IdentityKind.Patient, structHash, deadline, signature);
        _end(patientId, providerId);
    }

    function recordOf(bytes32 recordId)
        external
        view
        returns (bytes32 patientId, bytes32 providerId, bytes32 contentHash, bytes32 pointerHash, RecordStatus status)
    {
        Record storage record = _records[recordId];
        Relationship storage rel = _relationships[record.relationshipId];
        return (rel.patientId, rel.providerId, record.contentHash, record.pointerHash, record.status);
    }

    function relationshipOf(bytes32 relationshipId)
        external
        view
        returns (bytes32 patientId, bytes32 providerId, RelationshipStatus status, uint256 recordCount)
    {
        Relationship storage rel = _relationships[relationshipId];
        return (rel.patientId, rel.providerId, rel.status, rel.records.length);
    }

    function relationshipIdOf(bytes32 patientId, bytes32 providerId) public pure returns (bytes32) {
        return keccak256(abi.encode(patientId, providerId));
    }

    function relationshipsOf(bytes32 identityId) external view returns (bytes32[] memory) {
        return _summary[identityId];
    }

    function recordsOf(bytes32 relationshipId) external view returns (bytes32[] memory) {
        return _relationships[relationshipId].records;
    }

    function _addRecord(
        bytes32 providerId,
        bytes32 patientId,
        bytes32 recordId,
        bytes32 contentHash,
        bytes32 pointerHash
    ) private {
        if (recordId == bytes32(0) || contentHash == bytes32(0)) revert RelationshipsInvalidRecord();
        if (_records[recordId].status != RecordStatus.None) revert RelationshipsRecordExists(recordId);
        _accountOf(patientId, IRegistrar.IdentityKind.Patient);

        bytes32 relationshipId = relationshipIdOf(patientId, providerId);
        Relationship storage rel = _relationships[relationshipId];
        if (rel.status == RelationshipStatus.Ended) revert RelationshipsRelationshipEnded(relationshipId);
        if (rel.status == RelationshipStatus.None) {
            rel.patientId = patientId;
            rel.providerId = providerId;
            rel.status = RelationshipStatus.Active;
            _summary[patientId].push(relationshipId);
            _summary[providerId].push(relationshipId);
            emit RelationshipOpened(relationshipId, patientId, providerId);
        }
        rel.records.push(recordId);
        _records[recordId] = Record(relationshipId, contentHash, pointerHash, RecordStatus.Pending);
        emit RecordAdded(recordId, relationshipId, contentHash, pointerHash);
    }

    function _respond(bytes32 recordId, bytes32 patientId, bool accept) private {
        Record storage record = _records[recordId];
        if (record.status != RecordStatus.Pending) revert RelationshipsRecordNotPending(recordId);
        if (accept) {
            record.status = RecordStatus.Accepted;
            emit RecordAccepted(recordId, patientId);
        } else {
            record.status = RecordStatus.Rejected;
            emit RecordRejected(recordId, patientId);
        }
    }

    function _end(bytes32 patientId, bytes32 providerId) private {
        bytes32 relationshipId = relationshipIdOf(patientId, providerId);
        Relationship storage rel = _relationships[relationshipId];
        if (rel.status != RelationshipStatus.Active) revert RelationshipsRelationshipNotActive(relationshipId);
        rel.status = RelationshipStatus.Ended;
        emit RelationshipEnded(relationshipId, patientId, providerId);
    }

    function _patientOfRecord(bytes32 recordId) private view returns (bytes32) {
        bytes32 relationshipId = _records[recordId].relationshipId;
        if (relationshipId == bytes32(0)) revert RelationshipsRecordNotFound(recordId);
        return _relationships[relationshipId].patientId;
    }
}
