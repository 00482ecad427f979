using ClinicMail.Application.Secure;

namespace ClinicMail.Functions.Tests.Secure;

/// <summary>The reader's HTML allow-list on the classic injection shapes and on ordinary clinic mail.</summary>
public sealed class HtmlAllowListTests
{
    [TestCase("<p>Bonjour <strong>Mme Roy</strong></p>", "<p>Bonjour <strong>Mme Roy</strong></p>")]
    [TestCase("<script>alert(1)</script><p>ok</p>", "<p>ok</p>")]
    [TestCase("<img src=x onerror=alert(1)>texte", "texte")]
    [TestCase("<a href=\"javascript:alert(1)\">lien</a>", "<a rel=\"noopener noreferrer nofollow\" target=\"_blank\">lien</a>")]
    [TestCase("<a href=\"https://www.quebec.ca/\" onclick=\"x()\">Québec</a>", "<a href=\"https://www.quebec.ca/\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">Québec</a>")]
    [TestCase("<p style=\"background:url(https://t.example/x)\">rendez-vous</p>", "<p>rendez-vous</p>")]
    [TestCase("<svg><script>alert(1)</script></svg>ok", "ok")]
    [TestCase("<font color=red>Résultat normal</font>", "Résultat normal")]
    [TestCase("<table><tr><td colspan=\"2\">Hb</td></tr></table>", "<table><tbody><tr><td colspan=\"2\">Hb</td></tr></tbody></table>")]
    [TestCase("<iframe src=\"https://evil.example\"></iframe><!-- commentaire -->fin", "fin")]
    [TestCase("&lt;script&gt; reste du texte", "&lt;script&gt; reste du texte")]
    [TestCase("<form action=\"https://evil.example\"><input name=q></form>après", "après")]
    public void Sanitize_Input_KeepsOnlyTheAllowList(string input, string expected) =>
        Assert.That(HtmlAllowList.Sanitize(input), Is.EqualTo(expected));
}
