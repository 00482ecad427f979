namespace ClinicMail.Cli;

/// <summary>Process exit codes (documented in docs/cli.md). The decision codes let a script branch
/// on the answer; the others follow the BSD sysexits convention.</summary>
internal static class ExitCodes
{
    /// <summary>Checked: allow. Also success for commands that are not checks.</summary>
    public const int Allow = 0;

    /// <summary>Checked: warn.</summary>
    public const int Warn = 1;

    /// <summary>Checked: block.</summary>
    public const int Block = 2;

    /// <summary><c>audit verify</c>: the audit log was tampered with (the first broken link is printed).</summary>
    public const int AuditBroken = 3;

    /// <summary>The command line is wrong (unknown option, missing argument).</summary>
    public const int Usage = 64;

    /// <summary>The input is not a valid draft (bad JSON, wrong types); in --jsonl mode, at least one line was bad.</summary>
    public const int DataError = 65;

    /// <summary>An input file or the database file does not exist or cannot be read.</summary>
    public const int NoInput = 66;

    /// <summary>The registry could not be read: nothing was decided.</summary>
    public const int Unavailable = 69;

    /// <summary>An unexpected internal error.</summary>
    public const int Software = 70;
}
