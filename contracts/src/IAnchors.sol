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

    function anchor(bytes32 stream, uint64 firstSeq, uint64 lastSeq, uint32 count, bytes32 root) external;

    /// @notice Anchors several batches (typically one per stream at the same tick) in one transaction, sharing
    /// the transaction base cost; all-or-nothing.
    function anchorMany(Batch[] calldata batches) external;

    function verify(bytes32 stream, uint256 batchIndex, bytes32[] calldata proof, bytes32 leaf)
        external
        view
        returns (bool);

    function rootOf(bytes32 stream, uint256 batchIndex) external view returns (bytes32);

    /// @notice The stream's next expected sequence number and number of batches (nextSeq is 0 before the first).
    function streamOf(bytes32 stream) external view returns (uint64 nextSeq, uint64 batchCount);

    function leafOf(bytes32 stream, uint64 seq, bytes32 dataHash) external pure returns (bytes32);
}
