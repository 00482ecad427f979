namespace ClinicMail.Core.Audit;

/// <summary>Stable numeric audit event codes, in blocks of 100 per area (docs/architecture.md, "Contracts"). A code is a
/// contract with compliance reviewers and their reports: never renumber, only add.</summary>
public enum AuditEventType
{
    // 1000–1099: checks
    CheckPerformed = 1000,
    /// <summary>A check that could not complete (registry unavailable, internal error): nothing was decided.</summary>
    CheckFailed = 1001,

    // 1100–1199: overrides
    OverrideRecorded = 1100,
    /// <summary>An override attempted on a reason that may not be overridden.</summary>
    OverrideRefused = 1101,

    // 1200–1299: registry changes (ids and field names only)
    PatientCreated = 1200,
    PatientUpdated = 1201,
    AddressAdded = 1202,
    AddressUpdated = 1203,
    AddressRemoved = 1204,
    ConsentRecorded = 1205,
    ConsentRevoked = 1206,
    PatientRestricted = 1207,
    PatientUnrestricted = 1208,
    RegistryImported = 1209,

    // 1300–1399: secure messages
    SecureMessageCreated = 1300,
    SecureCodeSent = 1301,
    SecureCodeFailed = 1302,
    SecureAccessLocked = 1303,
    SecureMessageOpened = 1304,
    SecureMessageRevoked = 1305,
    SecureMessageExpired = 1306,
    SecureMessageShredded = 1307,
    SecureKeyRewrapped = 1308,
    SecureReplyCreated = 1309,
    SecureExpiryChanged = 1310,

    // 1400–1499: the audit log itself
    AuditExported = 1400,
    AuditVerified = 1401,
    AuditCheckpointSigned = 1402,
    AuditRetentionPurged = 1403,

    // 2000–2099: informed consent (issue 20); data: ids, field names, policy version and hash only
    ConsentPolicyPublished = 2000,
    ConsentInvitationSent = 2001,
    ConsentCodeSent = 2002,
    ConsentCodeFailed = 2003,
    ConsentAccessLocked = 2004,
    ConsentSigned = 2005,
    ConsentWithdrawn = 2006,
    ConsentVerbalRecorded = 2007,
    // 1800–1899: incoming patient mail (issue 18): ids, codes and counts only
    IncomingMailTriaged = 1800,
    IncomingMailAcknowledged = 1801,
    IncomingMailAnswered = 1802,
    // 1900–1999: filing exchanges in the patient's record (issue 19; ids, hashes, destination kinds)
    /// <summary>An exchange filed: filing id, source, patient id, destination kinds, SHA-256 of each file.</summary>
    RecordFiled = 1900,
    /// <summary>A filing gave up (its error code); it stays on the clinic page until retried.</summary>
    RecordFilingFailed = 1901,
    /// <summary>A person chose the patient of an exchange on the to-confirm list, or dismissed it.</summary>
    RecordFilingConfirmed = 1902,
    /// <summary>A filed document was compared with its audit record (match or not).</summary>
    RecordFilingVerified = 1903,
}
