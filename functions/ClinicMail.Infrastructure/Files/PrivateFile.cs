namespace ClinicMail.Infrastructure.Files;

/// <summary>Files that hold local secrets (development signing key, fingerprint key): created with
/// owner-only permissions (0600) from the first byte, never widened afterwards.</summary>
public static class PrivateFile
{
    public static void CreateNew(string path, ReadOnlySpan<byte> content)
    {
        // A folder created for a secret is owner-only too (0700); an existing folder keeps its mode.
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }

    /// <summary>Reads the file, or creates it with <paramref name="create"/>'s bytes on first run.</summary>
    public static byte[] ReadOrCreate(string path, Func<byte[]> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllBytes(path);
        }

        var content = create();
        CreateNew(path, content);
        return content;
    }
}
