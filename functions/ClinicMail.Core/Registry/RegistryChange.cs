namespace ClinicMail.Core.Registry;

/// <summary>One row of registry history: who changed which fields of what, never the values.</summary>
public sealed record RegistryChange(
    DateTimeOffset At,
    string ActorId,
    string Entity,
    string EntityId,
    string Operation,
    IReadOnlyList<string> Fields);

/// <summary>What an upsert did.</summary>
public enum UpsertOutcome
{
    Inserted,
    Updated,
    Unchanged,
}

/// <summary>Counts for a batch upsert.</summary>
public sealed record UpsertSummary(int Inserted, int Updated, int Unchanged)
{
    public static UpsertSummary Of(IEnumerable<PatientDiff> diffs)
    {
        int inserted = 0, updated = 0, unchanged = 0;
        foreach (var diff in diffs)
        {
            switch (diff.Outcome)
            {
                case UpsertOutcome.Inserted:
                    inserted++;
                    break;
                case UpsertOutcome.Updated:
                    updated++;
                    break;
                case UpsertOutcome.Unchanged:
                    unchanged++;
                    break;
            }
        }

        return new UpsertSummary(inserted, updated, unchanged);
    }
}

/// <summary>Which registry rule a refused write would have broken.</summary>
public enum RegistryConflict
{
    /// <summary>Another patient has this clinic patient id.</summary>
    ClinicPatientId,
    /// <summary>Another patient has this address and not both hold it as family-shared.</summary>
    Address,
}

/// <summary>The registry refused a write that would break one of its rules (for example two
/// patients with the same clinic patient id). The message names the rule, never the values.</summary>
public sealed class RegistryConflictException : Exception
{
    public RegistryConflictException()
    {
    }

    public RegistryConflictException(RegistryConflict conflict, Exception? innerException = null)
        : base(conflict == RegistryConflict.Address
            ? "Another patient already has this address (allowed only when every holder shares it as a family address)."
            : "Another patient already has this clinic patient id.", innerException)
    {
        Conflict = conflict;
    }

    /// <summary>The rule; <see cref="RegistryConflict.ClinicPatientId"/> for the historical constructors.</summary>
    public RegistryConflict Conflict { get; }

    public RegistryConflictException(string message)
        : base(message)
    {
    }

    public RegistryConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
