// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IConsent — patient consent grants, their use by the gatekeeper, and break-glass access.
/// @notice A grant lets one grantee address read a patient's records that are in its scope (listed record ids
/// or categories) for a purpose, within [validFrom, validUntil], at most maxUses times (0 = unlimited).
/// Patients issue and revoke grants with EIP-712 signatures relayed by a RELAYER_ROLE holder. Only a
/// GATEKEEPER_ROLE holder records uses: it proves a record's patient and category off-chain against the record's
/// anchored batch root (Relationships.verifyRecord) and passes them in. Break-glass creates a time-boxed emergency grant over all of the
/// patient's records and always emits BreakGlassUsed.
interface IConsent {
    /// @notice The patient-signed grant request, field for field the EIP-712 `Grant` struct.
    struct GrantRequest {
        bytes32 grantId;
        bytes32 patientId;
        address grantee;
        bytes32[] recordIds;
        bytes32[] categories;
        bytes32 purpose;
        uint64 validFrom;
        uint64 validUntil;
        uint32 maxUses;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A stored grant (scope lists are in the GrantIssued event and queryable per item).
    struct Grant {
        bytes32 patientId;
        address grantee;
        uint64 validFrom;
        uint64 validUntil;
        uint32 maxUses;
        uint32 uses;
        bool revoked;
        bool emergency;
        bytes32 purpose;
    }

    /// @notice Why a read is or is not permitted under a grant.
    enum Verdict {
        Permitted,
        GrantNotFound,
        Revoked,
        NotYetValid,
        Expired,
        Exhausted,
        NotGrantee,
        RecordNotOfPatient,
        OutOfScope
    }

    /// @notice A patient issued a grant.
    event GrantIssued(
        bytes32 indexed grantId,
        bytes32 indexed patientId,
        address indexed grantee,
        bytes32[] recordIds,
        bytes32[] categories,
        bytes32 purpose,
        uint64 validFrom,
        uint64 validUntil,
        uint32 maxUses
    );
    /// @notice A patient revoked a grant.
    event GrantRevoked(bytes32 indexed grantId, bytes32 indexed patientId);
    /// @notice The gatekeeper served `recordId` to `reader` under the grant; `uses` counts uses so far.
    event GrantConsumed(bytes32 indexed grantId, address indexed reader, bytes32 indexed recordId, uint32 uses);
    /// @notice A provider opened emergency access to a patient's records (always emitted, never silent).
    event BreakGlassUsed(
        bytes32 indexed grantId,
        bytes32 indexed patientId,
        bytes32 indexed providerId,
        address grantee,
        bytes32 reasonCode,
        uint64 validUntil
    );

    /// @notice A grant with this id already exists, or the id is zero.
    error ConsentGrantExists(bytes32 grantId);
    /// @notice No grant with this id exists.
    error ConsentGrantNotFound(bytes32 grantId);
    /// @notice The grant was revoked.
    error ConsentGrantRevoked(bytes32 grantId);
    /// @notice The grant's validFrom is in the future.
    error ConsentGrantNotYetValid(bytes32 grantId);
    /// @notice The grant's validUntil has passed.
    error ConsentGrantExpired(bytes32 grantId);
    /// @notice The grant's maxUses are used up.
    error ConsentGrantExhausted(bytes32 grantId);
    /// @notice The reader is not the grant's grantee.
    error ConsentNotGrantee(bytes32 grantId, address reader);
    /// @notice The record's patient (as the gatekeeper proved it against an anchored batch) is not the grant's.
    error ConsentRecordNotOfPatient(bytes32 grantId, bytes32 recordId);
    /// @notice Neither the record id nor the category is in the grant's scope.
    error ConsentOutOfScope(bytes32 grantId, bytes32 recordId, bytes32 category);
    /// @notice validUntil is not after validFrom, or already passed.
    error ConsentInvalidWindow(uint64 validFrom, uint64 validUntil);
    /// @notice The scope is empty or has more than MAX_SCOPE_ITEMS items.
    error ConsentInvalidScope(uint256 items);
    /// @notice The grantee is the zero address.
    error ConsentInvalidGrantee();
    /// @notice The break-glass duration is zero or above MAX_BREAK_GLASS_DURATION.
    error ConsentInvalidBreakGlassDuration(uint64 duration);
    /// @notice The break-glass reason code is zero.
    error ConsentMissingReason();

    /// @notice Issues a grant with the patient's EIP-712 `Grant` signature (RELAYER_ROLE only).
    /// @param request The grant, including the patient's unordered nonce and the signature deadline.
    /// @param signature The patient's signature over the `Grant` struct.
    function grantBySig(GrantRequest calldata request, bytes calldata signature) external;

    /// @notice Revokes a grant with the patient's EIP-712 `Revoke` signature (RELAYER_ROLE only).
    /// @param grantId The grant to revoke.
    /// @param nonce An unordered nonce the patient has not used in this contract.
    /// @param deadline Unix time after which the signature is refused.
    /// @param signature The patient's signature over Revoke(grantId, nonce, deadline).
    function revokeBySig(bytes32 grantId, uint256 nonce, uint256 deadline, bytes calldata signature) external;

    /// @notice The patient, from the account bound to their identity, revokes one of their grants.
    /// @param grantId The grant to revoke.
    function revoke(bytes32 grantId) external;

    /// @notice Records one use of a grant, or reverts with the reason the read is refused (GATEKEEPER_ROLE only).
    /// @param grantId The grant the read is made under.
    /// @param reader The account reading.
    /// @param recordPatientId The record's patient, proved by the gatekeeper against the record's anchored batch.
    /// @param recordId The record read.
    /// @param category The record's category code, proved the same way.
    function consume(bytes32 grantId, address reader, bytes32 recordPatientId, bytes32 recordId, bytes32 category)
        external;

    /// @notice An active provider, from its bound account, opens emergency access to all of a patient's records.
    /// @param patientId The patient's identity id.
    /// @param reasonCode Why (not zero); kept in the BreakGlassUsed event and as the grant's purpose.
    /// @param duration Seconds of access, in (0, MAX_BREAK_GLASS_DURATION].
    /// @return grantId The emergency grant's id.
    function breakGlass(bytes32 patientId, bytes32 reasonCode, uint64 duration) external returns (bytes32 grantId);

    /// @notice Break-glass with the provider's EIP-712 `BreakGlass` signature (RELAYER_ROLE only); the grantee is
    /// the provider's bound account, not the relayer.
    /// @param providerId The provider's identity id (the signer).
    /// @param patientId The patient's identity id.
    /// @param reasonCode Why (not zero).
    /// @param duration Seconds of access, in (0, MAX_BREAK_GLASS_DURATION].
    /// @param nonce An unordered nonce the provider has not used in this contract.
    /// @param deadline Unix time after which the signature is refused.
    /// @param signature The provider's signature over the `BreakGlass` struct.
    /// @return grantId The emergency grant's id.
    function breakGlassBySig(
        bytes32 providerId,
        bytes32 patientId,
        bytes32 reasonCode,
        uint64 duration,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 grantId);

    /// @notice A stored grant (all zeros if unknown).
    /// @param grantId The grant id.
    /// @return The grant.
    function grantOf(bytes32 grantId) external view returns (Grant memory);

    /// @notice Why a read would or would not be permitted under a grant now.
    /// @param grantId The grant id.
    /// @param reader The account reading.
    /// @param recordPatientId The record's patient (proved off-chain against its anchored batch).
    /// @param recordId The record id.
    /// @param category The record's category code.
    /// @return The verdict (Permitted or the first failed check).
    function verdict(bytes32 grantId, address reader, bytes32 recordPatientId, bytes32 recordId, bytes32 category)
        external
        view
        returns (Verdict);

    /// @notice Whether `verdict(...)` is Permitted.
    /// @param grantId The grant id.
    /// @param reader The account reading.
    /// @param recordPatientId The record's patient.
    /// @param recordId The record id.
    /// @param category The record's category code.
    /// @return True if permitted.
    function isPermitted(bytes32 grantId, address reader, bytes32 recordPatientId, bytes32 recordId, bytes32 category)
        external
        view
        returns (bool);

    /// @notice The first of the reader's grants that permits the read (an eth_call convenience: it scans them).
    /// @param reader The account reading.
    /// @param recordPatientId The record's patient.
    /// @param recordId The record id.
    /// @param category The record's category code.
    /// @return permitted Whether some grant permits it.
    /// @return grantId That grant, or zero.
    function mayRead(address reader, bytes32 recordPatientId, bytes32 recordId, bytes32 category)
        external
        view
        returns (bool permitted, bytes32 grantId);

    /// @notice Whether the record id or the category is in the grant's scope (always true for break-glass).
    /// @param grantId The grant id.
    /// @param recordId The record id.
    /// @param category The category code.
    /// @return True if in scope.
    function inScope(bytes32 grantId, bytes32 recordId, bytes32 category) external view returns (bool);

    /// @notice Every grant a patient issued or that break-glass opened on them, in order.
    /// @param patientId The patient's identity id.
    /// @return The grant ids.
    function grantsOf(bytes32 patientId) external view returns (bytes32[] memory);

    /// @notice Every grant whose grantee is `grantee`, in order.
    /// @param grantee The grantee account.
    /// @return The grant ids.
    function grantsTo(address grantee) external view returns (bytes32[] memory);
}
