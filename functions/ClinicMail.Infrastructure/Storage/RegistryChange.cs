namespace ClinicMail.Infrastructure.Storage;

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
public sealed record UpsertSummary(int Inserted, int Updated, int Unchanged);

/// <summary>The registry refused a write that would break one of its rules (for example two
/// patients with the same clinic patient id). The message names the rule, never the values.</summary>
public sealed class RegistryConflictException : Exception
{
    public RegistryConflictException()
    {
    }

    public RegistryConflictException(string message)
        : base(message)
    {
    }

    public RegistryConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
