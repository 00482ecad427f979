using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>Reads the versioned schema scripts embedded in this assembly under a resource prefix
/// (<c>…Migrations.NNNN_name.sql</c>), for both providers: same naming rule, same checksum.</summary>
internal static class EmbeddedMigrationScripts
{
    public static IReadOnlyList<Migration> Load(string resourcePrefix)
    {
        var assembly = typeof(EmbeddedMigrationScripts).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[resourcePrefix.Length..^4];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException("An embedded migration is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException("An embedded migration could not be read.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            // Line endings normalised so the checksum does not depend on how the file was checked out.
            var script = reader.ReadToEnd().ReplaceLineEndings("\n");
            migrations.Add(new Migration(version, name, script, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script)))));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        if (migrations.Zip(migrations.Skip(1)).Any(pair => pair.First.Version == pair.Second.Version))
        {
            throw new InvalidOperationException("Two embedded migrations share a version number.");
        }

        return migrations;
    }
}
