using System.Security.Cryptography;
using System.Text.Json;

namespace ClinicMail.TopicModelTraining;

/// <summary>One labelled message of the development data (the JSONL shape of tests/data/corpus).</summary>
internal sealed record LabelledMessage(string Id, string Lang, string Subject, string Body, IReadOnlyList<string> Labels);

/// <summary>The topic model's training data: the development sets only, found by glob so that a new
/// tests/data/corpus/*.jsonl is picked up without editing code. Compiled into the training tool and into
/// ClinicMail.Core.Tests (which checks the committed model was trained on these files as they are).</summary>
/// <remarks>The unseen sets (tests/data/heldout-fresh, tests/data/heldout-third) are never listed: they measure the
/// detector once per round and must stay unseen.</remarks>
internal static class TrainingFiles
{
    /// <summary>The command that retrains the model from the repository root.</summary>
    public const string RetrainCommand = "dotnet run -c Release --project tests/ClinicMail.TopicModelTraining";

    /// <summary>Where the model is written, from the repository root.</summary>
    public const string ModelPath = "functions/ClinicMail.Core/Topics/Data/topic-model.txt";

    /// <summary>The training files, repository-relative with forward slashes, in ordinal order.</summary>
    public static IReadOnlyList<string> List(string root)
    {
        var files = Directory.GetFiles(Path.Combine(root, "tests", "data", "corpus"), "*.jsonl")
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .ToList();
        foreach (var extra in new[] { "tests/data/heldout/sensitive-topics.heldout.jsonl", "tests/ClinicMail.Core.Tests/Topics/heldout.jsonl" })
        {
            if (File.Exists(Path.Combine(root, extra)))
            {
                files.Add(extra);
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>SHA-256 of a file's bytes, lower-case hex.</summary>
    public static string Sha256(string root, string relative) =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(root, relative))));

    /// <summary>The repository root: the first folder up from <paramref name="start"/> that holds ClinicMail.sln.</summary>
    public static string FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ClinicMail.sln not found above {start}.");
    }

    /// <summary>The messages of one JSONL file.</summary>
    public static List<LabelledMessage> Load(string path)
    {
        var messages = new List<LabelledMessage>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            messages.Add(new LabelledMessage(
                root.GetProperty("id").GetString()!,
                root.GetProperty("lang").GetString()!,
                root.GetProperty("subject").GetString() ?? "",
                root.GetProperty("body").GetString() ?? "",
                [.. root.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)]));
        }

        return messages;
    }
}
