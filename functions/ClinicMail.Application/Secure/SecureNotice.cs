using System.Globalization;

using ClinicMail.Core.Localization;

namespace ClinicMail.Application.Secure;

/// <summary>What goes into the e-mail instead of the content: a notice and the link, in French and
/// English, HTML and text. It says nothing clinical — not the subject, not a name — because the
/// mail itself travels unencrypted to a possibly consumer mailbox (« les comptes de type Gmail,
/// Hotmail et autres ne sont pas considérés comme sécuritaires »).</summary>
public static class SecureNotice
{
    public sealed record Notice(LocalizedText Html, LocalizedText Text);

    /// <param name="link">The recipient's personal link, or null when the recipients each receive their own by separate mail.</param>
    /// <param name="expiresAt">When the message is destroyed.</param>
    /// <param name="timeZone">The clinic's time zone, for the date shown.</param>
    public static Notice For(string? link, DateTimeOffset expiresAt, TimeZoneInfo timeZone)
    {
        var local = TimeZoneInfo.ConvertTime(expiresAt, timeZone);
        var dateFr = local.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("fr-CA"));
        var dateEn = local.ToString("MMMM d, yyyy", CultureInfo.GetCultureInfo("en-CA"));
        var introFr = "Votre clinique vous a transmis un message par la messagerie sécurisée ClinicMail. Son contenu n'est pas dans ce courriel.";
        var introEn = "Your clinic sent you a message through ClinicMail secure messaging. Its content is not in this e-mail.";
        var howFr = link is null
            ? "Vous recevrez un courriel distinct de ClinicMail contenant votre lien personnel."
            : "Pour le lire, ouvrez le lien ci-dessous; un code à usage unique sera envoyé à votre adresse de courriel inscrite.";
        var howEn = link is null
            ? "You will receive a separate e-mail from ClinicMail with your personal link."
            : "To read it, open the link below; a one-time code will be sent to your registered e-mail address.";
        var expiryFr = $"Le message sera détruit le {dateFr}.";
        var expiryEn = $"The message will be destroyed on {dateEn}.";
        var urgentFr = "Le courriel n'est pas fait pour les urgences : en cas d'urgence, composez le 911.";
        var urgentEn = "E-mail is not for emergencies: in an emergency, call 911.";

        string Html(string intro, string how, string linkText, string expiry, string urgent) =>
            "<p>" + E(intro) + "</p><p>" + E(how) + "</p>"
            + (link is null ? "" : "<p><a href=\"" + E(link) + "\">" + E(linkText) + "</a></p>")
            + "<p>" + E(expiry) + "</p><p>" + E(urgent) + "</p>";

        string Text(string intro, string how, string expiry, string urgent) =>
            string.Join("\n\n", new[] { intro, how, link, expiry, urgent }.Where(s => s is not null));

        return new Notice(
            new LocalizedText(Html(introFr, howFr, "Lire le message sécurisé", expiryFr, urgentFr), Html(introEn, howEn, "Read the secure message", expiryEn, urgentEn)),
            new LocalizedText(Text(introFr, howFr, expiryFr, urgentFr), Text(introEn, howEn, expiryEn, urgentEn)));
    }

    private static string E(string text) => Html.Encode(text);
}
