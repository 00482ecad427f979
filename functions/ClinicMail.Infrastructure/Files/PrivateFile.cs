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

    /// <summary>Reads the file, or creates it with <paramref name="create"/>'s bytes on first run. Safe when
    /// several processes start on one data folder at once (the app's instances, the CLI): the content is
    /// written to a private temporary file and moved into place without overwriting, so whoever loses the
    /// race reads the winner's complete file, never a half-written one.</summary>
    public static byte[] ReadOrCreate(string path, Func<byte[]> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (File.Exists(path))
        {
            return File.ReadAllBytes(path);
        }

        var content = create();
        var temporary = path + ".new-" + Guid.NewGuid().ToString("N");
        CreateNew(temporary, content);
        try
        {
            File.Move(temporary, path, overwrite: false);
            return content;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return File.ReadAllBytes(path);
        }
    }
}
