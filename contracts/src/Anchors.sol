// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IAnchors} from "./IAnchors.sol";

/// @title Anchors
/// @notice One storage slot per batch (the root) plus one packed slot per stream: an anchor costs one fresh
/// SSTORE, which is what keeps the per-record cost low for large batches.
contract Anchors is IAnchors, AccessControlDefaultAdminRules {
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    struct Stream {
        uint64 nextSeq;
        uint64 batchCount;
        bool started;
    }

    mapping(bytes32 stream => Stream) private _streams;
    mapping(bytes32 stream => mapping(uint256 batchIndex => bytes32 root)) private _roots;

    constructor(address admin, uint48 adminDelay) AccessControlDefaultAdminRules(adminDelay, admin) {}

    function anchor(bytes32 stream, uint64 firstSeq, uint64 lastSeq, uint32 count, bytes32 root)
        external
        onlyRole(ANCHORER_ROLE)
    {
        _anchor(stream, firstSeq, lastSeq, count, root);
    }

    function anchorMany(Batch[] calldata batches) external onlyRole(ANCHORER_ROLE) {
        for (uint256 i = 0; i < batches.length; ++i) {
            Batch calldata b = batches[i];
            _anchor(b.stream, b.firstSeq, b.lastSeq, b.count, b.root);
        }
    }

    function _anchor(bytes32 stream, uint64 firstSeq, uint64 lastSeq, uint32 count, bytes32 root) private {
        if (root == bytes32(0)) revert AnchorsZeroRoot();
        if (count == 0 || lastSeq < firstSeq || uint256(lastSeq) - firstSeq + 1 != count) {
            revert AnchorsInvalidRange(firstSeq, lastSeq, count);
        }
        Stream memory s = _streams[stream];
        if (s.started && firstSeq != s.nextSeq) revert AnchorsNotContiguous(stream, s.nextSeq, firstSeq);
        uint64 batchIndex = s.batchCount;
        _roots[stream][batchIndex] = root;
        _streams[stream] = Stream({nextSeq: lastSeq + 1, batchCount: batchIndex + 1, started: true});
        emit BatchAnchored(stream, batchIndex, firstSeq, lastSeq, root);
    }

    function verify(bytes32 stream, uint256 batchIndex, bytes32[] calldata proof, bytes32 leaf)
        external
        view
        returns (bool)
    {
        bytes32 root = _roots[stream][batchIndex];
        if (root == bytes32(0)) revert AnchorsBatchNotFound(stream, batchIndex);
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    function rootOf(bytes32 stream, uint256 batchIndex) external view returns (bytes32) {
        return _roots[stream][batchIndex];
    }

    function streamOf(bytes32 stream) external view returns (uint64 nextSeq, uint64 batchCount) {
        Stream memory s = _streams[stream];
        return (s.nextSeq, s.batchCount);
    }

    function leafOf(bytes32 stream, uint64 seq, bytes32 dataHash) external pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(stream, seq, dataHash))));
    }
}
