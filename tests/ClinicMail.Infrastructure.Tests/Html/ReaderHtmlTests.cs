using System.Diagnostics;
using System.Text;
using ClinicMail.Infrastructure.Html;

namespace ClinicMail.Infrastructure.Tests.Html;

/// <summary>The reader's HTML allow-list (HtmlSanitizer, configured) on the classic injection shapes,
/// on ordinary clinic mail, and on hostile shapes that crashed or stalled the hand-written one.</summary>
public sealed class ReaderHtmlTests
{
    [TestCase("<p>Bonjour <strong>Mme Roy</strong></p>", "<p>Bonjour <strong>Mme Roy</strong></p>")]
    [TestCase("<script>alert(1)</script><p>ok</p>", "<p>ok</p>")]
    [TestCase("<img src=x onerror=alert(1)>texte", "texte")]
    [TestCase("<a href=\"javascript:alert(1)\">lien</a>", "<a rel=\"noopener noreferrer nofollow\" target=\"_blank\">lien</a>")]
    [TestCase("<a href=\"/secure/abc\">relatif</a>", "<a rel=\"noopener noreferrer nofollow\" target=\"_blank\">relatif</a>")]
    [TestCase("<a href=\"https://www.quebec.ca/\" onclick=\"x()\">Québec</a>", "<a href=\"https://www.quebec.ca/\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">Québec</a>")]
    [TestCase("<p style=\"background:url(https://t.example/x)\">rendez-vous</p>", "<p>rendez-vous</p>")]
    [TestCase("<p class=\"x\" id=\"y\" href=\"https://a.example/\">rendez-vous</p>", "<p>rendez-vous</p>")]
    [TestCase("<svg><script>alert(1)</script></svg>ok", "ok")]
    [TestCase("<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>ok", "ok")]
    [TestCase("<font color=red>Résultat normal</font>", "Résultat normal")]
    [TestCase("<table><tr><td colspan=\"2\" onclick=\"x()\">Hb</td></tr></table>", "<table><tbody><tr><td colspan=\"2\">Hb</td></tr></tbody></table>")]
    [TestCase("<td colspan=\"99999\">x</td>", "x")]
    [TestCase("<ol start=\"3\" dir=\"rtl\" lang=\"fr-CA\"><li>trois</li></ol>", "<ol start=\"3\" dir=\"rtl\" lang=\"fr-CA\"><li>trois</li></ol>")]
    [TestCase("<iframe src=\"https://evil.example\"></iframe><!-- commentaire -->fin", "fin")]
    [TestCase("&lt;script&gt; reste du texte", "&lt;script&gt; reste du texte")]
    [TestCase("<form action=\"https://evil.example\"><input name=q></form>après", "après")]
    [TestCase("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></p></noscript>ok", "<p title=\"&lt;/noscript&gt;&lt;img src=x onerror=alert(1)&gt;\"></p>ok")]
    public void Sanitize_Input_KeepsOnlyTheAllowList(string input, string expected) =>
        Assert.That(ReaderHtml.Sanitize(input), Is.EqualTo(expected));

    /// <summary>Issue 22 #1: 15,000 nested elements overflowed the stack of the recursive
    /// allow-list (the process died on every open). Now the text is shown, quickly.</summary>
    [Test]
    public void Sanitize_NestedFifteenThousandDeep_ShownAsTextWithoutCrashing()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 15_000)) + "Résultat <b>normal</b>" + string.Concat(Enumerable.Repeat("</div>", 15_000));
        var clock = Stopwatch.StartNew();

        var output = ReaderHtml.Sanitize(html);

        Assert.That(output, Is.EqualTo("<pre class=\"html-as-text\">Résultat normal</pre>"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
    }

    /// <summary>Issue 22 #3: one element with 20,000 attributes took 3.1 s on every view.</summary>
    [Test]
    public void Sanitize_TwentyThousandAttributesOnOneTag_ShownAsTextQuickly()
    {
        var html = new StringBuilder("<p");
        for (var i = 0; i < 20_000; i++)
        {
            html.Append(" a").Append(i).Append("=\"x\"");
        }

        html.Append(">Résultat &amp; suivi</p>");
        var clock = Stopwatch.StartNew();

        var output = ReaderHtml.Sanitize(html.ToString());

        Assert.That(output, Is.EqualTo("<pre class=\"html-as-text\">Résultat &amp; suivi</pre>"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500)));
    }

    /// <summary>Nesting under the limit (deeper than any mail client writes) is still rendered as HTML.</summary>
    [Test]
    public void Sanitize_NestedUnderTheLimit_RenderedAsHtml()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 250)) + "fin" + string.Concat(Enumerable.Repeat("</div>", 250));

        var output = ReaderHtml.Sanitize(html);

        Assert.That(output, Is.EqualTo(html));
    }
}
