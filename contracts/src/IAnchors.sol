// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAnchors — Merkle roots of high-volume event streams (access logs, drug scans, ...).
/// @notice Each stream is a gap-free sequence of events; a batch anchors the Merkle root of events
/// [firstSeq, lastSeq]. Batches must be contiguous (the first batch of a stream sets its base sequence) and
/// roots can never be changed. Leaves are double-hashed: keccak256(bytes.concat(keccak256(abi.encode(stream,
/// seq, dataHash)))), pairs hashed in sorted order (OpenZeppelin MerkleProof / StandardMerkleTree layout).
interface IAnchors {
    /// @notice One batch of `anchorMany`.
    struct Batch {
        bytes32 stream;
        uint64 firstSeq;
        uint64 lastSeq;
        uint32 count;
        bytes32 root;
    }

    /// @notice A batch root was anchored (batch ranges live only in this event, to keep anchoring cheap).
    event BatchAnchored(
        bytes32 indexed stream, uint256 indexed batchIndex, uint64 firstSeq, uint64 lastSeq, bytes32 root
    );

    /// @notice firstSeq is not the stream's next sequence number.
    error AnchorsNotContiguous(bytes32 stream, uint64 expectedFirstSeq, uint64 firstSeq);
    /// @notice count is zero or does not equal lastSeq - firstSeq + 1.
    error AnchorsInvalidRange(uint64 firstSeq, uint64 lastSeq, uint32 count);
    /// @notice The root is zero.
    error AnchorsZeroRoot();
    /// @notice No batch with this index exists in the stream.
    error AnchorsBatchNotFound(bytes32 stream, uint256 batchIndex);

    /// @notice Anchors the root of events [firstSeq, lastSeq] of a stream (ANCHORER_ROLE only).
    /// @param stream The stream id.
    /// @param firstSeq The first event's sequence number: the stream's next one (any value for its first batch).
    /// @param lastSeq The last event's sequence number.
    /// @param count lastSeq - firstSeq + 1, not zero.
    /// @param root The Merkle root of the batch's leaves (leaf i = event firstSeq + i); not zero.
    function anchor(bytes32 stream, uint64 firstSeq, uint64 lastSeq, uint32 count, bytes32 root) external;

    /// @notice Anchors several batches (typically one per stream at the same tick) in one transaction, sharing
    /// the transaction base cost; all-or-nothing (ANCHORER_ROLE only).
    /// @param batches The batches, each checked as `anchor` checks it.
    function anchorMany(Batch[] calldata batches) external;

    /// @notice Whether `leaf` is in batch `batchIndex` of `stream`; reverts AnchorsBatchNotFound for unknown batches.
    /// @param stream The stream id.
    /// @param batchIndex The batch's index in the stream (0-based).
    /// @param proof The sibling hashes from the leaf to the root.
    /// @param leaf The leaf (see leafOf).
    /// @return True if the proof proves the leaf under the batch's root.
    function verify(bytes32 stream, uint256 batchIndex, bytes32[] calldata proof, bytes32 leaf)
        external
        view
        returns (bool);

    /// @notice The root of batch `batchIndex` of `stream` (zero if unknown).
    /// @param stream The stream id.
    /// @param batchIndex The batch's index in the stream.
    /// @return The root.
    function rootOf(bytes32 stream, uint256 batchIndex) external view returns (bytes32);

    /// @notice The stream's next expected sequence number and number of batches (nextSeq is 0 before the first).
    /// @param stream The stream id.
    /// @return nextSeq The firstSeq the next batch must carry.
    /// @return batchCount The number of batches anchored.
    function streamOf(bytes32 stream) external view returns (uint64 nextSeq, uint64 batchCount);

    /// @notice The leaf of an event: keccak256(bytes.concat(keccak256(abi.encode(stream, seq, dataHash)))).
    /// @param stream The stream id.
    /// @param seq The event's sequence number.
    /// @param dataHash The hash of the event's data.
    /// @return The double-hashed leaf.
    function leafOf(bytes32 stream, uint64 seq, bytes32 dataHash) external pure returns (bytes32);
}
