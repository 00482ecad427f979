using System.Globalization;
using System.Text;
using ClinicMail.Application.Secure;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Localization;
using static ClinicMail.Application.Secure.ReaderPage;

namespace ClinicMail.Application.Handlers;

/// <summary>The reader's view: the pages and forms of each step and the HTML results that carry them
/// (the flow is in SecureReaderHandler.cs, the state it passes in SecureReaderHandler.Contracts.cs).</summary>
public sealed partial class SecureReaderHandler
{
    public static IResult Stylesheet() => Results.Text(ReaderPage.Stylesheet, "text/css; charset=utf-8");

    private IResult Locked(string lang) =>
        Html(403, lang, ReaderTexts.LockedTitle, Paragraph(ReaderTexts.Locked(Secure.MaxCodeAttempts), lang, "locked", "error"), null);

    private static IResult Invalid(string lang) =>
        Html(404, lang, ReaderTexts.InvalidTitle, Paragraph(ReaderTexts.Invalid, lang, "invalid", "error"), null);

    private async Task<IResult> MessagePageAsync(ReaderState state, LocalizedText? notice, LocalizedText? error, CancellationToken ct, int status = 200)
    {
        var (content, failure) = await DecryptAsync(state, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var lang = state.Lang;
        var html = new StringBuilder();
        if (notice is not null)
        {
            html.Append(Paragraph(notice, lang, "notice", "notice"));
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(clinic.Value.TimeZone);
        var expires = TimeZoneInfo.ConvertTime(state.Message.ExpiresAt, zone)
            .ToString(lang == "fr" ? "d MMMM yyyy HH:mm" : "MMMM d, yyyy h:mm tt", CultureInfo.GetCultureInfo(lang == "fr" ? "fr-CA" : "en-CA"));
        html.Append("<p class=\"meta\">").Append(T(ReaderTexts.From, lang)).Append(" — ").Append(T(ReaderTexts.ExpiresOn(expires), lang)).Append("</p>");
        html.Append("<section class=\"message\" data-testid=\"message\"><h2 data-testid=\"subject\">").Append(E(content!.Subject)).Append("</h2>");
        html.Append(content.Format == BodyFormat.Html
            ? "<div class=\"html-body\" data-testid=\"body\">" + Infrastructure.Html.ReaderHtml.Sanitize(content.Body) + "</div>"
            : "<div class=\"text-body\" data-testid=\"body\">" + E(content.Body) + "</div>");
        html.Append("</section>");
        if (content.Attachments.Count > 0)
        {
            html.Append("<h3>").Append(T(ReaderTexts.Attachments, lang)).Append("</h3><ul data-testid=\"attachments\">");
            for (var i = 0; i < content.Attachments.Count; i++)
            {
                var attachment = content.Attachments[i];
                html.Append("<li><a download href=\"").Append(E(state.Href("/attachments/" + i.ToString(CultureInfo.InvariantCulture), null))).Append("\">")
                    .Append(E(attachment.Name)).Append("</a> <span class=\"meta\">(")
                    .Append(E(Math.Max(1, attachment.Content.Length / 1024).ToString(CultureInfo.InvariantCulture))).Append(" Ko/KB)</span></li>");
            }

            html.Append("</ul>");
        }

        html.Append("<section><h3>").Append(T(ReaderTexts.ReplyTitle, lang)).Append("</h3>").Append(Paragraph(ReaderTexts.ReplyHint, lang, null, "meta"));
        if (error is not null)
        {
            html.Append(Paragraph(error, lang, "reply-error", "error", "reply-error"));
        }

        html.Append("<form method=\"post\" action=\"").Append(E("/secure/" + state.Token + "/reply")).Append("\">")
            .Append("<input type=\"hidden\" name=\"lang\" value=\"").Append(lang).Append("\">")
            .Append("<label for=\"reply\">").Append(T(ReaderTexts.ReplyLabel, lang)).Append("</label>")
            .Append("<textarea id=\"reply\" name=\"body\" data-testid=\"reply-body\" ").Append(error is null ? "" : "aria-invalid=\"true\" aria-describedby=\"reply-error\" autofocus ").Append("maxlength=\"").Append(limits.Value.MaxSecureReplyChars.ToString(CultureInfo.InvariantCulture)).Append("\" required></textarea>")
            .Append("<p><button type=\"submit\" data-testid=\"reply-send\">").Append(T(ReaderTexts.SendReply, lang)).Append("</button></p></form></section>");
        return Html(status, lang, ReaderTexts.AppName, html.ToString(), state.Toggle(""));
    }

    private static string SendCodeForm(ReaderState state, bool pending) =>
        "<form method=\"post\" action=\"" + E("/secure/" + state.Token + "/code") + "\">"
        + "<input type=\"hidden\" name=\"lang\" value=\"" + state.Lang + "\">"
        + "<button type=\"submit\" data-testid=\"send-code\">" + T(pending ? ReaderTexts.SendNewCode : ReaderTexts.SendCode, state.Lang) + "</button></form>";

    /// <summary>The code field; after an error it is marked invalid, tied to the error and focused.</summary>
    private string CodeForm(ReaderState state, string? errorId, bool focus = false) =>
        "<form method=\"post\" action=\"" + E("/secure/" + state.Token + "/verify") + "\">"
        + "<input type=\"hidden\" name=\"lang\" value=\"" + state.Lang + "\">"
        + "<label for=\"code\">" + T(ReaderTexts.CodeLabel, state.Lang) + "</label> "
        + "<input type=\"text\" id=\"code\" name=\"code\" data-testid=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
        + (errorId is null ? "" : "aria-invalid=\"true\" aria-describedby=\"" + errorId + "\" ") + (focus ? "autofocus " : "") + "maxlength=\""
        + (Secure.CodeDigits + 4).ToString(CultureInfo.InvariantCulture) + "\" required> "
        + "<button type=\"submit\" data-testid=\"verify\">" + T(ReaderTexts.Verify, state.Lang) + "</button></form>";

    private static IResult Html(int status, string lang, LocalizedText title, string body, string? toggle) =>
        new ReaderHtmlResult(status, Render(lang, title, body, toggle));
}
