namespace ClinicMail.Core.Policy;

/// <summary>Stable reason codes. The JSON form is UPPER_SNAKE (<c>CONSENT_MISSING</c>); add new
/// codes at the end, never rename one: the add-in, the audit log and clinics' reports key on them.</summary>
public enum ReasonCode
{
    /// <summary>An external patient without recorded consent to e-mail (Rule 1).</summary>
    ConsentMissing,
    /// <summary>The patient refused e-mail, in whole or in part.</summary>
    ConsentRefused,
    /// <summary>The patient revoked consent.</summary>
    ConsentRevoked,
    /// <summary>The consent has passed its expiry date.</summary>
    ConsentExpired,
    /// <summary>A sensitive category the patient did not agree to in advance (Rule 2).</summary>
    TopicOutsideConsent,
    /// <summary>More than one patient visible to the others in To/Cc (Rule 5).</summary>
    BulkVisiblePatients,
    /// <summary>A third-party mailbox (employer, school, shared family) without the patient's consent to it (Rule 4).</summary>
    ThirdPartyAddress,
    /// <summary>An address that is a near miss of a registered one (Rule 4).</summary>
    LookalikeAddress,
    /// <summary>The patient's e-mail privileges were restricted.</summary>
    PatientRestricted,
    /// <summary>An external address that is not in the registry.</summary>
    UnknownRecipient,
    /// <summary>Nominative identifiers going outside the organisation (Rule 3).</summary>
    IdentifiersExternal,
    /// <summary>Replying to an address that is not in the registry (« éviter la fonction Répondre »).</summary>
    ReplyToUnregistered,
    /// <summary>Clinical or nominative content leaving the tenant: it must go as a secure message (Rule 6).</summary>
    SecureDeliveryRequired,
    /// <summary>Clinical content to a patient outside the tenant: a secure message is recommended.</summary>
    SecureDeliveryRecommended,
    /// <summary>A sensitive category the patient agreed to: allowed, through secure delivery.</summary>
    TopicInsideConsent,
    /// <summary>A recipient address that is not a valid e-mail address.</summary>
    InvalidAddress,
    /// <summary>A third-party address the patient consented to: allowed, noted.</summary>
    ThirdPartyConsented,
    /// <summary>Clinical content to several patients at once (even in Bcc).</summary>
    ClinicalContentBulk,
    /// <summary>The content goes beyond the uses the patient consented to (appointments only, say).</summary>
    UseOutsideConsent,
    /// <summary>The draft could not be checked (malformed input): fail closed.</summary>
    CheckFailed,
    /// <summary>The sender is not a professional network mailbox (a consumer or outside address).</summary>
    NonProfessionalSender,
    /// <summary>An urgent symptom deferred to an appointment or answered by e-mail, without the phone/911/emergency advice.</summary>
    UrgentByEmail,
    /// <summary>The greeting names someone other than the patient whose address the mail goes to.</summary>
    RecipientNameMismatch,
    /// <summary>An attachment whose text could not be read (image, scan, encrypted, too large, cloud link) leaves the network.</summary>
    AttachmentUnreadable,
    /// <summary>A family-shared address: the draft does not say which of its patients it concerns.</summary>
    SharedAddressPatientUnclear,
}

/// <summary>What a reason does to the send. Ordered: a higher value wins when reasons are combined.</summary>
public enum Severity
{
    Info = 0,
    Warn = 1,
    Block = 2,
}
