using Azure.Core;
using ClinicMail.Infrastructure.Mail;
using Microsoft.Graph;
using Microsoft.Kiota.Authentication.Azure;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>The Graph SDK client record filing uses (Sent Items reader, category adapter): the same
/// shape as the mail sender's — tokens for Graph's scope, sent only to the configured Graph host; the
/// SDK's middleware retries 429/503/504 honouring Retry-After.</summary>
public static class GraphClients
{
    public static GraphServiceClient Create(TokenCredential credential, GraphMailSenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new GraphMailSenderOptions();
        var authentication = new AzureIdentityAuthenticationProvider(credential, [options.BaseUri.Host], observabilityOptions: null, isCaeEnabled: false, GraphMailSender.Scope);
        var http = GraphClientFactory.Create(graphClientOptions: null, version: "v1.0", nationalCloud: GraphClientFactory.Global_Cloud, proxy: null, finalHandler: options.Handler);
        return new GraphServiceClient(http, authentication, new Uri(options.BaseUri, "v1.0").AbsoluteUri);
    }
}
