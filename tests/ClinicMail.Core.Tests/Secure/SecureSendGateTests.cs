using ClinicMail.Core.Audit;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Secure;

namespace ClinicMail.Core.Tests.Secure;

[TestFixture]
public sealed class SecureSendGateTests
{
    private static readonly DraftFingerprint Fingerprint = new(new byte[32]);

    private static Draft Draft(string body = "Résultat normal.", string to = "a@gmail.com", params AttachmentInfo[] attachments) =>
        new() { Subject = "Résultats", Body = body, To = [new DraftRecipient(to)], Cc = [new DraftRecipient("collegue@cliniquedemo.ca")], Attachments = attachments };

    private static AttachmentInfo File(string name, string content) => new(name) { ContentBase64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(content)) };

    [Test]
    public void Decide_OnlySecureDeliveryBlocks_Allowed()
    {
        var binding = SendBinding.Of(Draft(), Fingerprint);

        var verdict = SecureSendGate.Decide(binding, ["SECURE_DELIVERY_REQUIRED", "IDENTIFIERS_EXTERNAL"], [], SendBinding.Of(Draft(), Fingerprint));

        Assert.That(verdict.Allowed, Is.True);
    }

    [TestCase("TOPIC_OUTSIDE_CONSENT")]
    [TestCase("USE_OUTSIDE_CONSENT")]
    [TestCase("CONSENT_MISSING")]
    [TestCase("NON_PROFESSIONAL_SENDER")]
    public void Decide_AnotherBlockingReason_RefusedUnlessOverridden(string code)
    {
        var binding = SendBinding.Of(Draft(), Fingerprint);

        var refused = SecureSendGate.Decide(binding, [code, "SECURE_DELIVERY_REQUIRED"], [], binding);
        var overridden = SecureSendGate.Decide(binding, [code, "SECURE_DELIVERY_REQUIRED"], [code], binding);

        Assert.That(refused.Refusal, Is.EqualTo(SecureSendRefusal.BlockingReasons));
        Assert.That(refused.Unresolved, Is.EqualTo(new[] { code }));
        Assert.That(overridden.Allowed, Is.True);
    }

    [Test]
    public void Decide_BodyOrAttachmentChanged_ContentChanged()
    {
        var binding = SendBinding.Of(Draft(attachments: File("a.txt", "HbA1c 8 %")), Fingerprint);

        var body = SecureSendGate.Decide(binding, [], [], SendBinding.Of(Draft("Autre chose.", attachments: File("a.txt", "HbA1c 8 %")), Fingerprint));
        var attachment = SecureSendGate.Decide(binding, [], [], SendBinding.Of(Draft(attachments: File("a.txt", "VIH positif")), Fingerprint));
        var whitespace = SecureSendGate.Decide(binding, [], [], SendBinding.Of(Draft("  Résultat   normal. ", attachments: File("a.txt", "HbA1c 8 %")), Fingerprint));

        Assert.That(body.Refusal, Is.EqualTo(SecureSendRefusal.ContentChanged));
        Assert.That(attachment.Refusal, Is.EqualTo(SecureSendRefusal.ContentChanged));
        Assert.That(whitespace.Allowed, Is.True);
    }

    [Test]
    public void Decide_RecipientNotInTheCheckedDraft_Refused()
    {
        var binding = SendBinding.Of(Draft(), Fingerprint);

        var verdict = SecureSendGate.Decide(binding, [], [], SendBinding.Of(Draft(to: "b@gmail.com"), Fingerprint));

        Assert.That(verdict.Refusal, Is.EqualTo(SecureSendRefusal.RecipientNotChecked));
    }

    [Test]
    public void Of_CloudAndItemAttachments_CountedAsNotFiles()
    {
        var binding = SendBinding.Of(Draft(attachments: [new AttachmentInfo("Dossier") { Kind = "cloud" }, new AttachmentInfo("scan.pdf")]), Fingerprint);

        Assert.That(binding.AttachmentsNotFile, Is.EqualTo(1));
        Assert.That(binding.AttachmentsWithoutContent, Is.EqualTo(1));
    }
}
