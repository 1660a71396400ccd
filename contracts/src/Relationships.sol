// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IRegistrar} from "./IRegistrar.sol";
import {IRelationships} from "./IRelationships.sol";
import {IdentitySigner} from "./IdentitySigner.sol";

/// @title Relationships (the paper's Patient–Provider Relationship and Summary contracts)
/// @notice Records live in Merkle batches anchored by a RELAYER_ROLE holder: one fresh storage slot per batch,
/// however many records it carries. Per-record signatures are verified off-chain by the relayer; what the chain
/// keeps is the immutable root, inclusion proofs against it, the relationships and the Summary.
contract Relationships is IRelationships, IdentitySigner, AccessControlDefaultAdminRules {
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");

    bytes32 public constant END_RELATIONSHIP_TYPEHASH =
        keccak256("EndRelationship(bytes32 patientId,bytes32 providerId,uint256 nonce,uint256 deadline)");
    bytes32 public constant RECORD_LEAF_TAG = keccak256("uhr.relationships.record.v1");
    bytes32 public constant RESPONSE_LEAF_TAG = keccak256("uhr.relationships.response.v1");

    /// @dev One storage slot: anchoring writes exactly one fresh slot.
    struct Batch {
        uint64 anchoredAt;
        uint32 leafCount;
    }

    struct Relationship {
        bytes32 patientId;
        bytes32 providerId;
        RelationshipStatus status;
    }

    mapping(bytes32 root => Batch) private _batches;
    mapping(bytes32 relationshipId => Relationship) private _relationships;
    mapping(bytes32 identityId => bytes32[]) private _summary;

    constructor(address admin, uint48 adminDelay, IRegistrar registrar)
        IdentitySigner(registrar, "UHR Relationships")
        AccessControlDefaultAdminRules(adminDelay, admin)
    {}

    function anchorBatch(bytes32 root, uint32 leafCount, RelationshipKey[] calldata opened)
        external
        onlyRole(RELAYER_ROLE)
    {
        if (root == bytes32(0) || leafCount == 0) revert RelationshipsInvalidBatch();
        if (_batches[root].anchoredAt != 0) revert RelationshipsBatchExists(root);
        _batches[root] = Batch({anchoredAt: uint64(block.timestamp), leafCount: leafCount});
        for (uint256 i = 0; i < opened.length; ++i) {
            _open(opened[i].patientId, opened[i].providerId);
        }
        emit RecordBatchAnchored(root, leafCount);
    }

    function endRelationship(bytes32 providerId) external {
        _end(_callerId(IRegistrar.IdentityKind.Patient), providerId);
    }

    function endRelationshipBySig(
        bytes32 patientId,
        bytes32 providerId,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external onlyRole(RELAYER_ROLE) {
        bytes32 structHash = keccak256(abi.encode(END_RELATIONSHIP_TYPEHASH, patientId, providerId, nonce, deadline));
        _checkSignature(patientId, IRegistrar.IdentityKind.Patient, structHash, nonce, deadline, signature);
        _end(patientId, providerId);
    }

    function batchOf(bytes32 root) external view returns (uint64 anchoredAt, uint32 leafCount) {
        Batch storage batch = _batches[root];
        return (batch.anchoredAt, batch.leafCount);
    }

    function isAnchored(bytes32 root) public view returns (bool) {
        return _batches[root].anchoredAt != 0;
    }

    function verifyRecord(bytes32 root, RecordLeaf calldata leaf, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return isAnchored(root) && MerkleProof.verifyCalldata(proof, root, recordLeaf(leaf));
    }

    function verifyResponse(bytes32 root, ResponseLeaf calldata leaf, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return isAnchored(root) && MerkleProof.verifyCalldata(proof, root, responseLeaf(leaf));
    }

    function recordLeaf(RecordLeaf calldata leaf) public pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(
                    abi.encode(
                        RECORD_LEAF_TAG,
                        leaf.providerId,
                        leaf.patientId,
                        leaf.recordId,
                        leaf.category,
                        leaf.contentHash,
                        leaf.pointerHash,
                        leaf.authHash
                    )
                )
            )
        );
    }

    function responseLeaf(ResponseLeaf calldata leaf) public pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(abi.encode(RESPONSE_LEAF_TAG, leaf.patientId, leaf.recordId, leaf.accept, leaf.authHash))
            )
        );
    }

    function relationshipOf(bytes32 relationshipId)
        external
        view
        returns (bytes32 patientId, bytes32 providerId, RelationshipStatus status)
    {
        Relationship storage rel = _relationships[relationshipId];
        return (rel.patientId, rel.providerId, rel.status);
    }

    function relationshipIdOf(bytes32 patientId, bytes32 providerId) public pure returns (bytes32) {
        return keccak256(abi.encode(patientId, providerId));
    }

    function relationshipsOf(bytes32 identityId) external view returns (bytes32[] memory) {
        return _summary[identityId];
    }

    /// @dev Opens the relationship if it never existed; an active or ended one is left as it is (one member of a
    /// batch must not fail the others, and an ended relationship stays ended).
    function _open(bytes32 patientId, bytes32 providerId) private {
        bytes32 relationshipId = relationshipIdOf(patientId, providerId);
        Relationship storage rel = _relationships[relationshipId];
        if (rel.status != RelationshipStatus.None) return;
        rel.patientId = patientId;
        rel.providerId = providerId;
        rel.status = RelationshipStatus.Active;
        _summary[patientId].push(relationshipId);
        _summary[providerId].push(relationshipId);
        emit RelationshipOpened(relationshipId, patientId, providerId);
    }

    function _end(bytes32 patientId, bytes32 providerId) private {
        bytes32 relationshipId = relationshipIdOf(patientId, providerId);
        Relationship storage rel = _relationships[relationshipId];
        if (rel.status != RelationshipStatus.Active) revert RelationshipsRelationshipNotActive(relationshipId);
        rel.status = RelationshipStatus.Ended;
        emit RelationshipEnded(relationshipId, patientId, providerId);
    }
}
