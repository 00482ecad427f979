using Azure.Core;
using ClinicMail.Core.Mail;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.SendMail;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Authentication.Azure;

namespace ClinicMail.Infrastructure.Mail;

/// <summary>Production mail: Microsoft Graph <c>sendMail</c> through the Graph SDK
/// (<see cref="GraphServiceClient"/>), sent as the clinic's mailbox with the application's identity
/// (Mail.Send application permission, restricted to that mailbox by an Exchange application access
/// policy — see docs/deploy.md). The SDK's middleware retries 429, 503 and 504 honouring
/// Retry-After; tokens for <see cref="Scope"/> come from an Azure.Identity credential and are only
/// sent to the configured Graph host.</summary>
public sealed class GraphMailSender : IMailSender
{
    public const string Scope = "https://graph.microsoft.com/.default";

    /// <summary>The header that tells ClinicMail's mails apart (see <see cref="OutgoingMail.Kind"/>).</summary>
    public const string KindHeader = "X-ClinicMail-Kind";

    private readonly GraphServiceClient _client;
    private readonly string _sender;

    /// <param name="senderAddress">The mailbox mails are sent from (<c>Mail:SenderAddress</c>).</param>
    /// <param name="credential">Managed identity in Azure.</param>
    /// <param name="options"><see cref="GraphMailSenderOptions.BaseUri"/> and the last HTTP handler, for tests.</param>
    public GraphMailSender(string senderAddress, TokenCredential credential, GraphMailSenderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(senderAddress);
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new GraphMailSenderOptions();
        _sender = senderAddress;
        var authentication = new AzureIdentityAuthenticationProvider(credential, [options.BaseUri.Host], observabilityOptions: null, isCaeEnabled: false, Scope);
        var http = GraphClientFactory.Create(graphClientOptions: null, version: "v1.0", nationalCloud: GraphClientFactory.Global_Cloud, proxy: null, finalHandler: options.Handler);
        _client = new GraphServiceClient(http, authentication, new Uri(options.BaseUri, "v1.0").AbsoluteUri);
    }

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        try
        {
            await _client.Users[_sender].SendMail.PostAsync(Body(mail), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            var code = (ex as Microsoft.Graph.Models.ODataErrors.ODataError)?.Error?.Code;
            throw new MailSendException($"Graph sendMail answered HTTP {ex.ResponseStatusCode} ({Sanitize(code) ?? "unknown"}).", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException)
        {
            throw new MailSendException($"Graph sendMail failed ({ex.GetType().Name}).", ex);
        }
    }

    /// <summary>The documented request: one recipient, HTML or text, not saved to Sent Items (a code
    /// or a notice is not correspondence), the kind in a custom header.</summary>
    internal static SendMailPostRequestBody Body(OutgoingMail mail) => new()
    {
        Message = new Message
        {
            Subject = mail.Subject,
            Body = new ItemBody { ContentType = mail.HtmlBody is null ? BodyType.Text : BodyType.Html, Content = mail.HtmlBody ?? mail.TextBody },
            ToRecipients = [new Recipient { EmailAddress = new EmailAddress { Address = mail.To } }],
            InternetMessageHeaders = [new InternetMessageHeader { Name = KindHeader, Value = mail.Kind }],
        },
        SaveToSentItems = false,
    };

    /// <summary>Error codes are short identifiers; anything else is dropped rather than echoed.</summary>
    private static string? Sanitize(string? code) =>
        code is { Length: > 0 and <= 64 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? code : null;
}

/// <summary>Where <see cref="GraphMailSender"/> sends: Graph itself unless a test points it elsewhere.</summary>
public sealed class GraphMailSenderOptions
{
    public Uri BaseUri { get; set; } = new("https://graph.microsoft.com/");

    /// <summary>The innermost HTTP handler (null: the SDK's default).</summary>
    public HttpMessageHandler? Handler { get; set; }
}
