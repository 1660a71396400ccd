// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRelationships — patient–provider relationships, Merkle batches of records and the per-identity Summary.
/// @notice Records and the patients' answers to them are signed off-chain (EIP-712 `AddRecord` by the provider,
/// `RespondToRecords` by the patient), verified by the records service, and anchored by a RELAYER_ROLE holder as
/// the root of a Merkle tree whose leaves are `recordLeaf` and `responseLeaf` values (one tree may mix both, for
/// many providers and patients). A root is written once and never changes; anyone can check a leaf's inclusion
/// with `verifyRecord` / `verifyResponse`. The batch also opens the relationships its records start. Patients
/// end relationships directly or with an EIP-712 `EndRelationship` signature. Identities are Registrar ids.
interface IRelationships {
    enum RelationshipStatus {
        None,
        Active,
        Ended
    }

    /// @notice A provider's record: the preimage of a record leaf.
    struct RecordLeaf {
        bytes32 providerId;
        bytes32 patientId;
        bytes32 recordId;
        /// @dev the bytes32 category code
        bytes32 category;
        bytes32 contentHash;
        bytes32 pointerHash;
        /// @dev keccak256 of the provider's off-chain EIP-712 AddRecord signature bytes
        bytes32 authHash;
    }

    /// @notice A patient's answer to a record: the preimage of a response leaf.
    struct ResponseLeaf {
        bytes32 patientId;
        bytes32 recordId;
        bool accept;
        /// @dev keccak256 of the patient's off-chain EIP-712 RespondToRecords signature bytes
        bytes32 authHash;
    }

    /// @notice A patient–provider pair, as `anchorBatch` opens it.
    struct RelationshipKey {
        bytes32 patientId;
        bytes32 providerId;
    }

    /// @notice A relationship between a patient and a provider was opened by a batch carrying its first record.
    event RelationshipOpened(bytes32 indexed relationshipId, bytes32 indexed patientId, bytes32 indexed providerId);
    /// @notice The patient ended the relationship; later batches do not reopen it.
    event RelationshipEnded(bytes32 indexed relationshipId, bytes32 indexed patientId, bytes32 indexed providerId);
    /// @notice The root of a Merkle tree of `leafCount` record and response leaves was anchored.
    event RecordBatchAnchored(bytes32 indexed root, uint32 leafCount);

    /// @notice The batch root or its leaf count is zero.
    error RelationshipsInvalidBatch();
    /// @notice A batch with this root was already anchored (roots are immutable).
    error RelationshipsBatchExists(bytes32 root);
    /// @notice The relationship does not exist or is not active.
    error RelationshipsRelationshipNotActive(bytes32 relationshipId);

    /// @notice Anchors the root of a batch of record and response leaves, and opens the relationships of
    /// `opened` that do not exist yet (pairs already active or ended are skipped, never reverting the batch).
    /// @dev RELAYER_ROLE only: the relayer verified every leaf's signature off-chain.
    /// @param root The Merkle root (sorted-pair hashing, OpenZeppelin MerkleProof layout); not zero, not anchored.
    /// @param leafCount The number of leaves in the tree; not zero.
    /// @param opened The patient–provider pairs whose first record is in this batch.
    function anchorBatch(bytes32 root, uint32 leafCount, RelationshipKey[] calldata opened) external;

    /// @notice The patient, from the account bound to their identity, ends their relationship with a provider.
    /// @param providerId The provider's identity id.
    function endRelationship(bytes32 providerId) external;

    /// @notice Ends a relationship with the patient's EIP-712 `EndRelationship` signature (RELAYER_ROLE only).
    /// @param patientId The patient's identity id (the signer).
    /// @param providerId The provider's identity id.
    /// @param nonce An unordered nonce the patient has not used in this contract.
    /// @param deadline Unix time after which the signature is refused.
    /// @param signature The patient's signature over EndRelationship(patientId, providerId, nonce, deadline).
    function endRelationshipBySig(
        bytes32 patientId,
        bytes32 providerId,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice When a batch was anchored and how many leaves it has; (0, 0) for an unknown root.
    /// @param root The batch root.
    /// @return anchoredAt The block timestamp of the anchoring transaction.
    /// @return leafCount The number of leaves the relayer declared.
    function batchOf(bytes32 root) external view returns (uint64 anchoredAt, uint32 leafCount);

    /// @notice Whether `root` was anchored.
    /// @param root The batch root.
    /// @return True if anchored.
    function isAnchored(bytes32 root) external view returns (bool);

    /// @notice Whether `leaf` is a record in the anchored batch `root`.
    /// @param root The batch root; false if not anchored.
    /// @param leaf The record's fields.
    /// @param proof The sibling hashes from the leaf to the root.
    /// @return True if the root is anchored and the proof proves `recordLeaf(leaf)` under it.
    function verifyRecord(bytes32 root, RecordLeaf calldata leaf, bytes32[] calldata proof)
        external
        view
        returns (bool);

    /// @notice Whether `leaf` is a patient's answer in the anchored batch `root`.
    /// @param root The batch root; false if not anchored.
    /// @param leaf The answer's fields.
    /// @param proof The sibling hashes from the leaf to the root.
    /// @return True if the root is anchored and the proof proves `responseLeaf(leaf)` under it.
    function verifyResponse(bytes32 root, ResponseLeaf calldata leaf, bytes32[] calldata proof)
        external
        view
        returns (bool);

    /// @notice The leaf of a record: keccak256(bytes.concat(keccak256(abi.encode(RECORD_LEAF_TAG, providerId,
    /// patientId, recordId, category, contentHash, pointerHash, authHash)))).
    /// @param leaf The record's fields.
    /// @return The double-hashed leaf.
    function recordLeaf(RecordLeaf calldata leaf) external pure returns (bytes32);

    /// @notice The leaf of a patient's answer: keccak256(bytes.concat(keccak256(abi.encode(RESPONSE_LEAF_TAG,
    /// patientId, recordId, accept, authHash)))).
    /// @param leaf The answer's fields.
    /// @return The double-hashed leaf.
    function responseLeaf(ResponseLeaf calldata leaf) external pure returns (bytes32);

    /// @notice A relationship's parties and status (zeros and None if it was never opened).
    /// @param relationshipId relationshipIdOf(patientId, providerId).
    /// @return patientId The patient's identity id.
    /// @return providerId The provider's identity id.
    /// @return status None, Active or Ended.
    function relationshipOf(bytes32 relationshipId)
        external
        view
        returns (bytes32 patientId, bytes32 providerId, RelationshipStatus status);

    /// @notice The id of the relationship between a patient and a provider: keccak256(abi.encode(patientId,
    /// providerId)).
    /// @param patientId The patient's identity id.
    /// @param providerId The provider's identity id.
    /// @return The relationship id.
    function relationshipIdOf(bytes32 patientId, bytes32 providerId) external pure returns (bytes32);

    /// @notice The Summary: every relationship an identity (patient or provider) takes part in, in opening order.
    /// @param identityId A patient's or provider's identity id.
    /// @return The relationship ids.
    function relationshipsOf(bytes32 identityId) external view returns (bytes32[] memory);
}
