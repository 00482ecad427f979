using ClinicMail.Core.Text;

namespace ClinicMail.Core.Registry;

/// <summary>Whether a registered address can be a near miss of a probe: the test the look-alike
/// detector applies, exposed so the stores apply it where the candidates are (inside SQLite as a
/// function, in the PostgreSQL client before patients are loaded, in memory) and only the few
/// survivors are loaded with their patient. Without it, a typo on a popular domain loaded hundreds
/// of full patients per check (54 ms on SQLite with 100,000 patients).</summary>
public static class NearMiss
{
    /// <summary>A local part this short differs from many others by one letter: "jo" and "jp" are
    /// more likely two people than a typo, so edits on it are not reported.</summary>
    public const int MinLocalLengthForEdits = 4;

    /// <summary>From this length on, two edits are still far more likely a typo than another person.</summary>
    public const int LongLocalLength = 10;

    /// <summary>Most edits accepted for a probe local part of this length.</summary>
    public static int EditBound(int probeLocalLength) => probeLocalLength >= LongLocalLength ? 2 : 1;

    /// <summary>True when <paramref name="candidateSkeleton"/> looks like <paramref name="probeSkeleton"/>:
    /// same skeleton, or same key domain and local parts within <see cref="EditBound"/> edits (both
    /// at least <see cref="MinLocalLengthForEdits"/> long). Both are <see cref="AddressKeys.Skeleton"/>s.</summary>
    public static bool IsCandidate(string probeSkeleton, string candidateSkeleton)
    {
        ArgumentNullException.ThrowIfNull(probeSkeleton);
        ArgumentNullException.ThrowIfNull(candidateSkeleton);
        return IsCandidate(probeSkeleton.AsSpan(), candidateSkeleton.AsSpan());
    }

    /// <summary><see cref="IsCandidate(string, string)"/> on spans (the in-process index tests
    /// skeletons it decodes into a buffer).</summary>
    public static bool IsCandidate(ReadOnlySpan<char> probeSkeleton, ReadOnlySpan<char> candidateSkeleton)
    {
        if (probeSkeleton.SequenceEqual(candidateSkeleton))
        {
            return true;
        }

        var probeAt = probeSkeleton.LastIndexOf('@');
        var candidateAt = candidateSkeleton.LastIndexOf('@');
        if (probeAt < 0 || candidateAt < 0
            || !probeSkeleton[probeAt..].SequenceEqual(candidateSkeleton[candidateAt..])
            || Math.Min(probeAt, candidateAt) < MinLocalLengthForEdits)
        {
            return false;
        }

        var bound = EditBound(probeAt);
        return EditDistance.Bounded(probeSkeleton[..probeAt], candidateSkeleton[..candidateAt], bound) <= bound;
    }
}
