namespace ClinicMail.Scale.Tests.Cluster;

/// <summary>Where the built hosts are: the solution's own Debug output (./test.sh builds the whole
/// solution first; the project references in the .csproj build them for a single-project run).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string LocalHostDll => Built("functions/ClinicMail.LocalHost/bin/Debug/net10.0/ClinicMail.LocalHost.dll");

    public static string CliDll => Built("functions/ClinicMail.Cli/bin/Debug/net10.0/clinicmail.dll");

    private static string Built(string relative)
    {
        var path = Path.Combine(Root, relative);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {relative} is missing.", path);
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ClinicMail.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("ClinicMail.sln not found above the test's folder.");
    }
}
