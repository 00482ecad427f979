using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Json;

namespace ClinicMail.Cli.Commands;

/// <summary><c>clinicmail check [FILE] [--db PATH] [--internal-domain D ...] [--jsonl] [--format json|pretty]</c>.</summary>
internal static class CheckCommand
{
    public static Command Create(CliIo io)
    {
        var file = new Argument<string?>("FILE") { Description = "A draft as JSON (or one draft per line with --jsonl). '-' or absent: standard input.", Arity = ArgumentArity.ZeroOrOne };
        var db = new Option<string?>("--db") { Description = "The registry database (SQLite file). Without it every external recipient is unknown." };
        var domains = new Option<string[]>("--internal-domain") { Description = "An organisation domain (repeatable), e.g. clinique.med.", AllowMultipleArgumentsPerToken = true };
        var jsonl = new Option<bool>("--jsonl") { Description = "Read one draft per line and write one result per line, each echoing the draft's id." };
        var format = new Option<string>("--format") { Description = "json (default) or pretty (a readable summary).", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "pretty");
        var language = new Option<string>("--lang") { Description = "Language of the pretty output: fr or en.", DefaultValueFactory = _ => "fr" };
        language.AcceptOnlyFromAmong("fr", "en");
        var today = new Option<DateOnly?>("--today") { Description = "The date consents are evaluated on (yyyy-MM-dd); default: today." };

        var command = new Command("check", "Check a draft and print the decision.") { file, db, domains, jsonl, format, language, today };
        command.SetAction(async (parse, ct) =>
        {
            var options = new CheckRunOptions(
                parse.GetValue(file),
                parse.GetValue(db),
                parse.GetValue(domains) ?? [],
                parse.GetValue(jsonl),
                parse.GetValue(format) == "pretty",
                parse.GetValue(language) ?? "fr",
                parse.GetValue(today) ?? DateOnly.FromDateTime(DateTime.Now));
            return await RunAsync(options, io, ct).ConfigureAwait(false);
        });
        return command;
    }

    internal sealed record CheckRunOptions(
        string? File, string? Db, IReadOnlyList<string> InternalDomains, bool Jsonl, bool Pretty, string Language, DateOnly Today);

    internal static async Task<int> RunAsync(CheckRunOptions options, CliIo io, CancellationToken ct)
    {
        TextReader input;
        if (options.File is null or "-")
        {
            input = io.In;
        }
        else if (!File.Exists(options.File))
        {
            await io.Error.WriteLineAsync(Messages.FileNotFound(options.File)).ConfigureAwait(false);
            return ExitCodes.NoInput;
        }
        else
        {
            input = new StreamReader(options.File);
        }

        using var ownedInput = ReferenceEquals(input, io.In) ? null : input;
        await using var registry = await RegistryAccess.OpenAsync(options.Db, io, ct).ConfigureAwait(false);
        if (registry is null)
        {
            return ExitCodes.NoInput;
        }

        var context = new CheckContext
        {
            Directory = registry.Directory,
            InternalDomains = [.. options.InternalDomains.Select(d => d.Trim().TrimStart('@').ToLowerInvariant())],
            Today = options.Today,
            AttachmentReader = Infrastructure.Attachments.DocumentAttachmentReader.Default,
        };

        try
        {
            return options.Jsonl
                ? await CheckLinesAsync(input, context, io, ct).ConfigureAwait(false)
                : await CheckOneAsync(input, context, options, io, ct).ConfigureAwait(false);
        }
        catch (RegistryUnavailableException)
        {
            await io.Error.WriteLineAsync(Messages.RegistryUnavailable).ConfigureAwait(false);
            return ExitCodes.Unavailable;
        }
    }

    private static async Task<int> CheckOneAsync(TextReader input, CheckContext context, CheckRunOptions options, CliIo io, CancellationToken ct)
    {
        var json = await input.ReadToEndAsync(ct).ConfigureAwait(false);
        if (!DraftParser.TryParse(json, out var draft, out var error))
        {
            await io.Error.WriteLineAsync($"clinicmail: {error}").ConfigureAwait(false);
            return ExitCodes.DataError;
        }

        var result = await DraftChecker.Default.CheckAsync(draft, context, ct).ConfigureAwait(false);
        if (options.Pretty)
        {
            PrettyPrinter.Print(io.Out, draft, result, options.Language);
        }
        else
        {
            await io.Out.WriteLineAsync(ResultJson.Serialize(result, draft.Id, indented: true)).ConfigureAwait(false);
        }

        return result.Decision switch
        {
            Decision.Allow => ExitCodes.Allow,
            Decision.Warn => ExitCodes.Warn,
            Decision.Block => ExitCodes.Block,
        };
    }

    /// <summary>One draft per line, one result per line, in order. A bad line yields an error result
    /// for its id (or its line number) and the run goes on; the exit code then says some lines were bad.</summary>
    private static async Task<int> CheckLinesAsync(TextReader input, CheckContext context, CliIo io, CancellationToken ct)
    {
        var lineNumber = 0;
        var bad = 0;
        while (await input.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!DraftParser.TryParse(line, out var draft, out var error))
            {
                bad++;
                await io.Out.WriteLineAsync(ResultJson.Error(DraftParser.TryReadId(line), lineNumber, error)).ConfigureAwait(false);
                continue;
            }

            var result = await DraftChecker.Default.CheckAsync(draft, context, ct).ConfigureAwait(false);
            await io.Out.WriteLineAsync(ResultJson.Serialize(result, draft.Id, indented: false)).ConfigureAwait(false);
        }

        return bad == 0 ? ExitCodes.Allow : ExitCodes.DataError;
    }
}

/// <summary>Reads a draft from JSON with the shared contract; errors never echo the input.</summary>
internal static class DraftParser
{
    /// <summary>Upper bound on one draft's JSON, the same as the HTTP API's request limit.</summary>
    public const int MaxDraftChars = 1_048_576;

    public static bool TryParse(string json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Draft? draft, out string error)
    {
        draft = null;
        error = "";
        if (json.Length > MaxDraftChars)
        {
            error = $"the draft is larger than {MaxDraftChars} characters.";
            return false;
        }

        try
        {
            draft = JsonSerializer.Deserialize<Draft>(json, ClinicMailJson.Options);
        }
        catch (JsonException ex)
        {
            // JsonException messages name the path and position, not the content.
            error = $"the draft is not valid JSON for a draft: {ex.Message}";
            return false;
        }

        if (draft is null)
        {
            error = "the draft is empty (JSON null).";
            return false;
        }

        // JSON may carry explicit nulls for fields the model declares non-null.
        draft = draft with
        {
            Subject = draft.Subject ?? "",
            Body = draft.Body ?? "",
            To = draft.To ?? [],
            Cc = draft.Cc ?? [],
            Bcc = draft.Bcc ?? [],
            Attachments = draft.Attachments ?? [],
        };
        return true;
    }

    public static string? TryReadId(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The CLI's result JSON: the check result with the draft's <c>id</c> first.</summary>
internal static class ResultJson
{
    public static string Serialize(CheckResult result, string? id, bool indented)
    {
        var node = JsonSerializer.SerializeToNode(result, ClinicMailJson.Options)!.AsObject();
        var output = new JsonObject();
        if (id is not null)
        {
            output["id"] = id;
        }

        foreach (var (key, value) in node.ToList())
        {
            node.Remove(key);
            output[key] = value;
        }

        return output.ToJsonString(indented ? ClinicMailJson.Indented : ClinicMailJson.Options);
    }

    public static string Error(string? id, int line, string message)
    {
        var output = new JsonObject
        {
            ["id"] = id,
            ["line"] = line,
            ["error"] = new JsonObject
            {
                ["code"] = "INVALID_DRAFT",
                ["message"] = new JsonObject
                {
                    ["fr"] = $"Ligne {line} : brouillon invalide ({message})",
                    ["en"] = $"Line {line}: invalid draft ({message})",
                },
            },
        };
        return output.ToJsonString(ClinicMailJson.Options);
    }
}
