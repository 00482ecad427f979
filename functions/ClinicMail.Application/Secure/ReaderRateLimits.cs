namespace ClinicMail.Application.Secure;

/// <summary>The names of the patient reader's per-link rate-limit policies (SecureRegistration defines them;
/// each host attaches them to the code and verify routes).</summary>
public static class ReaderRateLimits
{
    public const string CodePolicy = "secure-code-per-link";
    public const string VerifyPolicy = "secure-verify-per-link";
}
