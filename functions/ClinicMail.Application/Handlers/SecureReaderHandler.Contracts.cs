using ClinicMail.Core.Secure;

namespace ClinicMail.Application.Handlers;

/// <summary>What the reader's flow hands its view: the link, its access, the message and the language.</summary>
public sealed partial class SecureReaderHandler
{
    private sealed record ReaderState(string Token, SecureAccess Access, SecureMessage Message, string Lang)
    {
        public string Href(string suffix, string? query) =>
            "/secure/" + Token + suffix + "?lang=" + Lang + (query is null ? "" : "&" + query);

        public string Toggle(string suffix) => "/secure/" + Token + suffix + "?lang=" + (Lang == "fr" ? "en" : "fr");
    }
}
