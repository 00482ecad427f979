using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using ClinicMail.Core.Mail;

namespace ClinicMail.Infrastructure.Mail;

/// <summary>Production mail: Microsoft Graph <c>POST /v1.0/users/{sender}/sendMail</c>, sent as the
/// clinic's mailbox with the application's identity (Mail.Send application permission, restricted
/// to that mailbox by an Exchange application access policy — see docs/deploy.md). A small client
/// over Azure.Core's pipeline: bearer token for <c>https://graph.microsoft.com/.default</c>, retries
/// with Retry-After on 429 and 5xx. The Microsoft.Graph SDK (5.92.0 is restorable) would replace it;
/// one call does not justify its size.</summary>
public sealed class GraphMailSender : IMailSender
{
    public const string Scope = "https://graph.microsoft.com/.default";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    /// <param name="senderAddress">The mailbox mails are sent from (<c>Mail:SenderAddress</c>).</param>
    /// <param name="credential">Managed identity in Azure.</param>
    /// <param name="options">Transport and retry options; <see cref="GraphMailSenderOptions.BaseUri"/> for tests.</param>
    public GraphMailSender(string senderAddress, TokenCredential credential, GraphMailSenderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(senderAddress);
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new GraphMailSenderOptions();
        _endpoint = new Uri(options.BaseUri, $"v1.0/users/{Uri.EscapeDataString(senderAddress)}/sendMail");
        _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, Scope));
    }

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_endpoint);
        request.Headers.SetValue("Content-Type", "application/json");
        request.Content = RequestContent.Create(Body(mail));
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex)
        {
            throw new MailSendException($"Graph sendMail failed (transport, {ex.Status}).", ex);
        }

        var status = message.Response.Status;
        // The documented answer is 202 Accepted; 201 is tolerated (some gateways answer it).
        if (status is not (202 or 201))
        {
            var code = ErrorCode(message.Response);
            throw new MailSendException($"Graph sendMail answered HTTP {status} ({code}).");
        }
    }

    /// <summary>The documented request body: one recipient, HTML or text, not saved to Sent Items
    /// (a code or a notice is not correspondence).</summary>
    internal static byte[] Body(OutgoingMail mail) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        message = new
        {
            subject = mail.Subject,
            body = new { contentType = mail.HtmlBody is null ? "Text" : "HTML", content = mail.HtmlBody ?? mail.TextBody },
            toRecipients = new[] { new { emailAddress = new { address = mail.To } } },
            internetMessageHeaders = new[] { new { name = "X-ClinicMail-Kind", value = mail.Kind } },
        },
        saveToSentItems = false,
    });

    private static string ErrorCode(Azure.Response response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            return document.RootElement.GetProperty("error").GetProperty("code").GetString() ?? "unknown";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "unreadable";
        }
    }
}

/// <summary>Pipeline options of <see cref="GraphMailSender"/>.</summary>
public sealed class GraphMailSenderOptions : ClientOptions
{
    public Uri BaseUri { get; set; } = new("https://graph.microsoft.com/");
}
