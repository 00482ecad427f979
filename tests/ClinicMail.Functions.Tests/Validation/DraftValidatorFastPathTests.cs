using System.Text.Json;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Validation;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Json;
using Microsoft.Extensions.Options;

namespace ClinicMail.Functions.Tests.Validation;

/// <summary>The draft validator's fast path (<c>DraftValidator.WithinLimits</c>) lets a draft through
/// without running the FluentValidation rules: it must agree with those rules on every draft, at each
/// limit and one past it, or a draft over a limit would reach the check.</summary>
public sealed class DraftValidatorFastPathTests
{
    private static readonly LimitsOptions Limits = new() { MaxSubjectChars = 50, MaxBodyChars = 200, MaxAddressChars = 40, MaxRecipients = 3, MaxAttachments = 2 };

    private static readonly Draft Valid = new()
    {
        Id = "d-1",
        From = "dre.tremblay@cliniquedemo.med",
        Subject = "Rendez-vous",
        Body = "Bonjour, votre rendez-vous est confirmé.",
        To = [new DraftRecipient("jf.gagnon@gmail.com", "J.-F. Gagnon")],
        Cc = [],
        Bcc = [],
        Attachments = [new AttachmentInfo("note.pdf", 1200)],
    };

    public static IEnumerable<TestCaseData> Drafts()
    {
        static TestCaseData Case(string name, Draft draft) => new TestCaseData(draft).SetName("FastPath_AgreesWithTheRules(" + name + ")");

        yield return Case("valid", Valid);
        yield return Case("empty lists, no from, no id", Valid with { From = null, Id = null, To = [], Attachments = [] });
        yield return Case("subject at limit", Valid with { Subject = new string('s', 50) });
        yield return Case("subject past limit", Valid with { Subject = new string('s', 51) });
        yield return Case("subject null", Valid with { Subject = null! });
        yield return Case("body at limit", Valid with { Body = new string('b', 200) });
        yield return Case("body past limit", Valid with { Body = new string('b', 201) });
        yield return Case("body null", Valid with { Body = null! });
        yield return Case("from at limit", Valid with { From = new string('f', 40) });
        yield return Case("from past limit", Valid with { From = new string('f', 41) });
        yield return Case("id at limit", Valid with { Id = new string('i', 200) });
        yield return Case("id past limit", Valid with { Id = new string('i', 201) });
        yield return Case("body format undefined", Valid with { BodyFormat = (BodyFormat)7 });
        yield return Case("html body", Valid with { BodyFormat = BodyFormat.Html });
        yield return Case("recipients at limit", Valid with { Cc = [new("a@b.ca")], Bcc = [new("c@d.ca")] });
        yield return Case("recipients past limit", Valid with { Cc = [new("a@b.ca"), new("e@f.ca")], Bcc = [new("c@d.ca")] });
        yield return Case("to null", Valid with { To = null! });
        yield return Case("cc null", Valid with { Cc = null! });
        yield return Case("bcc null", Valid with { Bcc = null! });
        yield return Case("attachments null", Valid with { Attachments = null! });
        yield return Case("null recipient in to", Valid with { To = [null!] });
        yield return Case("null recipient in bcc", Valid with { Bcc = [null!] });
        yield return Case("empty address", Valid with { Cc = [new("")] });
        yield return Case("white-space address", Valid with { To = [new("   ")] });
        yield return Case("null address", Valid with { Bcc = [new(null!)] });
        yield return Case("address at limit", Valid with { To = [new(new string('a', 40))] });
        yield return Case("address past limit", Valid with { To = [new(new string('a', 41))] });
        yield return Case("name at limit", Valid with { To = [new("a@b.ca", new string('n', 40))] });
        yield return Case("name past limit", Valid with { Cc = [new("a@b.ca", new string('n', 41))] });
        yield return Case("attachments at limit", Valid with { Attachments = [new("a", 1), new("b", 2)] });
        yield return Case("attachments past limit", Valid with { Attachments = [new("a", 1), new("b", 2), new("c", 3)] });
        yield return Case("null attachment", Valid with { Attachments = [null!] });
        yield return Case("attachment name null", Valid with { Attachments = [new(null!, 1)] });
        yield return Case("attachment name at limit", Valid with { Attachments = [new(new string('x', 255), 1)] });
        yield return Case("attachment name past limit", Valid with { Attachments = [new(new string('x', 256), 1)] });
        yield return Case("attachment size zero", Valid with { Attachments = [new("a", 0)] });
        yield return Case("attachment size negative", Valid with { Attachments = [new("a", -1)] });
        yield return Case("several faults", Valid with { Subject = new string('s', 51), To = [new("")], Attachments = [new("a", -1)] });
    }

    [TestCaseSource(nameof(Drafts))]
    public void FastPath_AgreesWithTheRules(Draft draft)
    {
        var validator = new DraftValidator(Options.Create(Limits));
        var rules = validator.ValidateWithRules(draft);

        Assert.That(DraftValidator.WithinLimits(draft, Limits), Is.EqualTo(rules.IsValid));
        // What callers get: the same verdict and, for a draft out of its limits, the rules' own errors.
        var answered = validator.Validate(draft);
        Assert.That(answered.IsValid, Is.EqualTo(rules.IsValid));
        Assert.That(answered.Errors.Select(e => e.PropertyName + ": " + e.ErrorMessage), Is.EqualTo(rules.Errors.Select(e => e.PropertyName + ": " + e.ErrorMessage)));
    }

    [Test]
    public async Task FastPath_AgreesWithTheRules_OnEveryExampleDraftWithTheDefaultLimitsAsync()
    {
        var limits = new LimitsOptions();
        var validator = new DraftValidator(Options.Create(limits));
        var files = Directory.GetFiles(Path.Combine(FunctionsLayoutTests.RepoRoot(), "docs", "examples"), "*.json");
        Assert.That(files, Has.Length.GreaterThan(10));
        foreach (var file in files)
        {
            var draft = JsonSerializer.Deserialize<Draft>(await File.ReadAllTextAsync(file), ClinicMailJson.Options)!;
            Assert.That(DraftValidator.WithinLimits(draft, limits), Is.EqualTo(validator.ValidateWithRules(draft).IsValid), file);
            Assert.That((await validator.ValidateAsync(draft)).IsValid, Is.True, file);
        }
    }
}
