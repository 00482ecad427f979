using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Json;
using ClinicMail.Core.Localization;
using Spectre.Console;

namespace ClinicMail.Cli;

/// <summary>A readable summary of one check, for people (the demo in ./run.sh); scripts use JSON.</summary>
internal static class PrettyPrinter
{
    public static void Print(TextWriter output, Draft draft, CheckResult result, string language)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = output == Console.Out && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output == Console.Out && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        string T(LocalizedText text) => Markup.Escape(text.For(language));
        var fr = language == "fr";

        var (color, label) = result.Decision switch
        {
            Decision.Allow => ("green", fr ? "PEUT PARTIR" : "MAY BE SENT"),
            Decision.Warn => ("yellow", fr ? "AVERTISSEMENT" : "WARNING"),
            Decision.Block => ("red", fr ? "RETENU" : "HELD"),
        };
        var secure = result.SecureDelivery switch
        {
            SecureDelivery.Required => fr ? "envoi sécurisé exigé" : "secure delivery required",
            SecureDelivery.Recommended => fr ? "envoi sécurisé recommandé" : "secure delivery recommended",
            SecureDelivery.NotNeeded => fr ? "envoi sécurisé non requis" : "secure delivery not needed",
        };
        var title = draft.Id is null ? Markup.Escape(draft.Subject) : $"{Markup.Escape(draft.Id)} — {Markup.Escape(draft.Subject)}";
        console.MarkupLine($"[bold]{title}[/]");
        console.MarkupLine($"  [{color} bold]{label}[/] · {secure}");

        foreach (var topic in result.Topics)
        {
            var evidence = string.Join(", ", topic.Evidence.Take(3).Select(e => $"« {e.Text} »{(e.Quoted ? (fr ? " (cité)" : " (quoted)") : "")}"));
            console.MarkupLine($"  {(fr ? "Sujet" : "Topic")}: [bold]{T(TopicNames.Of(topic.Category))}[/] ({topic.Confidence:0.00}) {Markup.Escape(evidence)}");
        }

        foreach (var identifier in result.Identifiers)
        {
            console.MarkupLine($"  {(fr ? "Identifiant" : "Identifier")}: [bold]{T(TopicNames.Of(identifier.Kind))}[/] ×{identifier.Evidence.Count}");
        }

        foreach (var recipient in result.Recipients)
        {
            var look = recipient.Lookalike is { } l ? $" ≈ {l.Resembles}" : "";
            console.MarkupLine($"  {recipient.Field.ToString().ToUpperInvariant(),-3} {Markup.Escape(recipient.Address)} → {Markup.Escape(Codes.Of(recipient.Status))}{Markup.Escape(look)}");
        }

        foreach (var reason in result.Reasons)
        {
            var mark = reason.Severity switch
            {
                Core.Policy.Severity.Block => "[red]✖[/]",
                Core.Policy.Severity.Warn => "[yellow]![/]",
                Core.Policy.Severity.Info => "[blue]i[/]",
            };
            var overridable = reason.Overridable ? (fr ? " (dérogation possible)" : " (may be overridden)") : "";
            console.MarkupLine($"  {mark} {Codes.Of(reason.Code)}: {T(reason.Message)}{overridable}");
        }

        foreach (var fix in result.Fixes)
        {
            console.MarkupLine($"  → {T(fix.Label)}");
        }

        foreach (var warning in result.Etiquette)
        {
            console.MarkupLine($"  [grey]{(fr ? "Forme" : "Form")}: {T(warning.Message)}[/]");
        }

        console.WriteLine();
    }
}
