namespace ClinicMail.Core.Text;

/// <summary>Optimal-string-alignment Damerau-Levenshtein distance: insertions, deletions,
/// substitutions and swaps of two adjacent characters each cost one, which is how people mistype
/// ("gmial", "trmeblay").</summary>
internal static class EditDistance
{
    /// <summary>The distance between <paramref name="a"/> and <paramref name="b"/> when it is at most
    /// <paramref name="bound"/>; <paramref name="bound"/> + 1 otherwise (the computation stops as
    /// soon as the bound cannot be met, which keeps candidate screening cheap).</summary>
    public static int Bounded(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int bound)
    {
        if (Math.Abs(a.Length - b.Length) > bound)
        {
            return bound + 1;
        }

        // Common prefix and suffix cost nothing; stripping them makes the matrix tiny for the
        // usual single-typo case.
        var start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start])
        {
            start++;
        }

        a = a[start..];
        b = b[start..];
        var end = 0;
        while (end < a.Length && end < b.Length && a[^(end + 1)] == b[^(end + 1)])
        {
            end++;
        }

        a = a[..^end];
        b = b[..^end];
        if (a.Length == 0 || b.Length == 0)
        {
            var remaining = Math.Max(a.Length, b.Length);
            return remaining <= bound ? remaining : bound + 1;
        }

        var width = b.Length + 1;
        Span<int> buffer = width * 3 <= 512 ? stackalloc int[width * 3] : new int[width * 3];
        var previous2 = buffer[..width];
        var previous = buffer.Slice(width, width);
        var current = buffer.Slice(2 * width, width);
        for (var j = 0; j < width; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMinimum = i;
            for (var j = 1; j < width; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMinimum = Math.Min(rowMinimum, value);
            }

            if (rowMinimum > bound)
            {
                return bound + 1;
            }

            var recycled = previous2;
            previous2 = previous;
            previous = current;
            current = recycled;
        }

        var distance = previous[width - 1];
        return distance <= bound ? distance : bound + 1;
    }
}
