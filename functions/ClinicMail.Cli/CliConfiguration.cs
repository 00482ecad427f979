using ClinicMail.Application.Checking;
using ClinicMail.Application.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Cli;

/// <summary>The CLI's configuration: an optional appsettings-shaped file, then environment variables
/// (<c>ClinicMail__…</c>, <c>Policy__…</c>), then the command's flags — read by the application
/// layer's composition root exactly as the hosts read theirs.</summary>
internal static class CliConfiguration
{
    public static DecisionService Decisions(string? file, IReadOnlyList<string> internalDomains)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }

        builder.AddEnvironmentVariables();
        if (internalDomains.Count > 0)
        {
            // The flags come last: each wins over the file's or the environment's entry at its index.
            builder.AddInMemoryCollection(internalDomains.Select((d, i) => KeyValuePair.Create($"ClinicMail:InternalDomains:{i}", (string?)d)));
        }

        var configuration = builder.Build();
        return new ServiceCollection().AddClinicMailDecisions(configuration).BuildServiceProvider().GetRequiredService<DecisionService>();
    }
}
