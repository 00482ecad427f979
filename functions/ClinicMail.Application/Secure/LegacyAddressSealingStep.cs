using ClinicMail.Application.Hosting;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Storage;

namespace ClinicMail.Application.Secure;

/// <summary>At startup, after the schema: seals the addresses of secure-message and consent-invitation
/// rows written before migration 0013 (<see cref="LegacyAddressProtection"/>). Idempotent and cheap once
/// done (three empty look-ups); several instances may run it at once.</summary>
public sealed class LegacyAddressSealingStep(StorageBackend backend, PatientAddressProtector addresses, ILogger<LegacyAddressSealingStep> logger) : IStartupStep
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var sealedRows = await LegacyAddressProtection.SealAsync(backend.Database, addresses, cancellationToken).ConfigureAwait(false);
        if (sealedRows > 0)
        {
            logger.LogInformation("Sealed the patient addresses of {Rows} rows written before migration 0013", sealedRows);
        }
    }
}
