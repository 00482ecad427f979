using ClinicMail.Application.Configuration;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Storage;

namespace ClinicMail.Application.Secure;

/// <summary>At startup, after the schema: seals the addresses of secure-message and consent-invitation
/// rows written before migration 0013 (<see cref="LegacyAddressProtection"/>). Idempotent and cheap once
/// done (three empty look-ups); several instances may run it at once. A store that cannot be reached
/// does not stop startup (readiness reports it, as for every other store failure): the rows are sealed
/// at the next start that reaches it.</summary>
public sealed class LegacyAddressSealingStep(StorageBackend backend, PatientAddressProtector addresses, ILogger<LegacyAddressSealingStep> logger) : IStartupStep
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        int sealedRows;
        try
        {
            sealedRows = await LegacyAddressProtection.SealAsync(backend.Database, addresses, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex)
        {
            logger.LogWarning("Sealing the addresses of rows written before migration 0013 is deferred to the next start: the store did not answer ({Error})", ex.GetType().Name);
            return;
        }

        if (sealedRows > 0)
        {
            logger.LogInformation("Sealed the patient addresses of {Rows} rows written before migration 0013", sealedRows);
        }
    }
}
