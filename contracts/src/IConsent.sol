// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IConsent — patient consent grants, their use by the gatekeeper, and break-glass access.
/// @notice A grant lets one grantee address read a patient's records that are in its scope (listed record ids
/// or categories) for a purpose, within [validFrom, validUntil], at most maxUses times (0 = unlimited).
/// Patients issue and revoke grants with EIP-712 signatures relayed by a RELAYER_ROLE holder. Only a
/// GATEKEEPER_ROLE holder records uses. Break-glass creates a time-boxed emergency grant over all of the
/// patient's records and always emits BreakGlassUsed.
interface IConsent {
    /// @notice The patient-signed grant request (also the EIP-712 `Grant` struct, plus nonce).
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
    /// @notice The record does not exist or does not belong to the grant's patient.
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

    function grantBySig(GrantRequest calldata request, bytes calldata signature) external;

    function revokeBySig(bytes32 grantId, uint256 deadline, bytes calldata signature) external;

    function revoke(bytes32 grantId) external;

    function consume(bytes32 grantId, address reader, bytes32 recordId, bytes32 category) external;

    function breakGlass(bytes32 patientId, bytes32 reasonCode, uint64 duration) external returns (bytes32 grantId);

    function breakGlassBySig(
        bytes32 providerId,
        bytes32 patientId,
        bytes32 reasonCode,
        uint64 duration,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 grantId);

    function grantOf(bytes32 grantId) external view returns (Grant memory);

    function verdict(bytes32 grantId, address reader, bytes32 recordId, bytes32 category)
        external
        view
        returns (Verdict);

    function isPermitted(bytes32 grantId, address reader, bytes32 recordId, bytes32 category)
        external
        view
        returns (bool);

    function mayRead(address reader, bytes32 recordId, bytes32 category)
        external
        view
        returns (bool permitted, bytes32 grantId);

    function inScope(bytes32 grantId, bytes32 recordId, bytes32 category) external view returns (bool);

    function grantsOf(bytes32 patientId) external view returns (bytes32[] memory);

    function grantsTo(address grantee) external view returns (bytes32[] memory);
}
