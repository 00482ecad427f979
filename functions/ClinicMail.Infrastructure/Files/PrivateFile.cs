namespace ClinicMail.Infrastructure.Files;

/// <summary>Files that hold local secrets (development signing key, fingerprint key): created with
/// owner-only permissions (0600) from the first byte, never widened afterwards.</summary>
public static class PrivateFile
{
    public static void CreateNew(string path, ReadOnlySpan<byte> content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
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
