using ClinicMail.Core.Incoming;

namespace ClinicMail.Core.Tests.Incoming;

/// <summary>The never-acknowledge rules: auto-replies, bounces, lists, no-reply senders, our own
/// acknowledgements (loop protection) and internal senders.</summary>
public sealed class AutoReplySuppressionTests
{
    private static readonly string[] Internal = ["clinique.example"];

    private static IncomingMessage Message(string? from = "patient@example.com", params (string Name, string Value)[] headers) => new()
    {
        MessageId = "m1",
        ConversationId = "c1",
        Mailbox = "dr.tremblay@clinique.example",
        From = from,
        ReceivedAt = DateTimeOffset.UnixEpoch,
        Headers = headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase),
    };

    [Test]
    public void Check_OrdinaryPatientMail_MayBeAcknowledged() =>
        Assert.That(AutoReplySuppression.Check(Message(headers: ("Auto-Submitted", "no")), Internal), Is.Null);

    [TestCase("Auto-Submitted", "auto-replied", SuppressionReason.AutoSubmitted)]
    [TestCase("auto-submitted", "auto-generated", SuppressionReason.AutoSubmitted)]
    [TestCase("X-Auto-Response-Suppress", "DR, OOF, AutoReply", SuppressionReason.AutoResponseSuppressed)]
    [TestCase("X-Auto-Response-Suppress", "All", SuppressionReason.AutoResponseSuppressed)]
    [TestCase("Precedence", "bulk", SuppressionReason.BulkOrList)]
    [TestCase("Precedence", "list", SuppressionReason.BulkOrList)]
    [TestCase("List-Id", "<infolettre.example.com>", SuppressionReason.BulkOrList)]
    [TestCase("Return-Path", "<>", SuppressionReason.NullSender)]
    [TestCase("Content-Type", "multipart/report; report-type=delivery-status", SuppressionReason.NullSender)]
    [TestCase("X-ClinicMail-Acknowledgement", "1", SuppressionReason.OwnAcknowledgement)]
    public void Check_Header_Suppresses(string name, string value, SuppressionReason expected) =>
        Assert.That(AutoReplySuppression.Check(Message(headers: (name, value)), Internal), Is.EqualTo(expected));

    [Test]
    public void Check_XAutoResponseSuppressOfReadReceiptsOnly_StillAcknowledged() =>
        Assert.That(AutoReplySuppression.Check(Message(headers: ("X-Auto-Response-Suppress", "RN, NRN")), Internal), Is.Null);

    [TestCase("noreply@banque.example")]
    [TestCase("no-reply@portail.example")]
    [TestCase("MAILER-DAEMON@mx.example")]
    [TestCase("postmaster@example.org")]
    [TestCase("donotreply@rappels.example")]
    public void Check_NoReplySender_Suppressed(string from) =>
        Assert.That(AutoReplySuppression.Check(Message(from.ToLowerInvariant()), Internal), Is.EqualTo(SuppressionReason.NoReplySender));

    [Test]
    public void Check_NullSender_Suppressed() =>
        Assert.That(AutoReplySuppression.Check(Message(from: null), Internal), Is.EqualTo(SuppressionReason.NullSender));

    [Test]
    public void Check_InternalSender_SuppressedUnlessConfigured()
    {
        var colleague = Message("secretariat@clinique.example");

        Assert.Multiple(() =>
        {
            Assert.That(AutoReplySuppression.Check(colleague, Internal), Is.EqualTo(SuppressionReason.InternalSender));
            Assert.That(AutoReplySuppression.Check(colleague, Internal, acknowledgeInternal: true), Is.Null);
            Assert.That(AutoReplySuppression.Check(Message("x@labo.clinique.example"), Internal), Is.EqualTo(SuppressionReason.InternalSender));
        });
    }

    [Test]
    public void Check_OwnAcknowledgementWinsOverEverythingElse() =>
        Assert.That(AutoReplySuppression.Check(Message("noreply@x.example", ("X-ClinicMail-Acknowledgement", "1"), ("Precedence", "bulk")), Internal),
            Is.EqualTo(SuppressionReason.OwnAcknowledgement));
}
