using ClinicMail.Core.Drafts;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Tests.Text;

public sealed class DraftTextExtractorTests
{
    private static string Part(CheckedText text, TextPart part) =>
        string.Join("|", text.Segments.Where(s => s.Part == part).Select(s => s.Text));

    private static CheckedText Html(string html) =>
        DraftTextExtractor.Extract(new Draft { Subject = "Suivi", Body = html, BodyFormat = BodyFormat.Html });

    private static CheckedText Plain(string body) =>
        DraftTextExtractor.Extract(new Draft { Subject = "Suivi", Body = body });

    [Test]
    public void Extract_PlainText_KeepsSubjectBodyAndAttachmentNames()
    {
        var text = DraftTextExtractor.Extract(new Draft
        {
            Subject = "Résultats de laboratoire",
            Body = "Bonjour Madame Roy,\r\n\r\nVos résultats sont normaux.",
            Attachments = [new AttachmentInfo("bilan-2025.pdf", 1234), new AttachmentInfo("radio.jpg")],
        });

        Assert.That(Part(text, TextPart.Subject), Is.EqualTo("Résultats de laboratoire"));
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Bonjour Madame Roy,\n\nVos résultats sont normaux."));
        Assert.That(Part(text, TextPart.Quoted), Is.Empty);
        Assert.That(Part(text, TextPart.AttachmentName), Is.EqualTo("bilan-2025.pdf|radio.jpg"));
    }

    [Test]
    public void Extract_HtmlEntitiesAndBreaks_BecomeText()
    {
        var text = Html("<html><head><title>t</title><style>p{color:red}</style></head><body>"
            + "<p>Bonjour Madame Côté,</p><p>Votre rendez-vous&nbsp;: jeudi &agrave; 9&#160;h&nbsp;30 &amp; apportez vos m&eacute;dicaments.<br>Merci&nbsp;!</p>"
            + "<script>alert('x')</script></body></html>");

        Assert.That(Part(text, TextPart.Body), Is.EqualTo(
            "Bonjour Madame Côté,\nVotre rendez-vous : jeudi à 9 h 30 & apportez vos médicaments.\nMerci !"));
    }

    [Test]
    public void Extract_HtmlWhitespace_Collapses()
    {
        var text = Html("<div>\n   Bonjour    Léa,\n</div>\n\n<div><br></div>\n<div>  La radio   est\n normale.  </div>");
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Bonjour Léa,\n\nLa radio est normale."));
    }

    [Test]
    public void Extract_OutlookBlankParagraphs_KeepOneBlankLine()
    {
        var text = Html("<p class=MsoNormal>Bonjour,</p><p class=MsoNormal>&nbsp;</p><p class=MsoNormal>&nbsp;</p><p class=MsoNormal>Texte.</p>");
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Bonjour,\n\nTexte."));
    }

    [Test]
    public void Extract_NestedLists_IndentAndNumber()
    {
        var text = Html("<p>Posologie :</p><ul><li>Matin<ol><li>1 comprimé</li><li>avec de l'eau</li></ol></li><li>Soir</li></ul><p>Fin.</p>");
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Posologie :\n- Matin\n  1. 1 comprimé\n  2. avec de l'eau\n- Soir\nFin."));
    }

    [Test]
    public void Extract_Table_RowsOnLinesCellsTabbed()
    {
        var text = Html("<table><tr><th>Analyse</th><th>Résultat</th></tr><tr><td>Hémoglobine</td><td>135 g/L</td></tr></table>");
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Analyse\tRésultat\nHémoglobine\t135 g/L"));
    }

    [Test]
    public void Extract_Pre_KeepsWhitespace()
    {
        var text = Html("<pre>ligne 1\n    ligne  2</pre>");
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("ligne 1\n    ligne  2"));
    }

    [TestCase("De : Marie Tremblay <marie@example.com>\nEnvoyé : 3 mars 2025 10:12\nÀ : Dre Dion <dion@clinique.med>\nObjet : Mes résultats\n\nBonjour docteure, mon cell est 514 555-0187.")]
    [TestCase("From: John Smith <john@example.com>\nSent: Monday, March 3, 2025 10:12 AM\nTo: Dr. Roy <roy@clinic.med>\nSubject: My results\n\nHi doctor, my cell is 514 555-0187.")]
    [TestCase("-----Original Message-----\nFrom: John Smith\nHi doctor, my cell is 514 555-0187.")]
    [TestCase("-----Message d'origine-----\nBonjour docteure, mon cell est 514 555-0187.")]
    [TestCase("Le lun. 3 mars 2025 à 10 h 12, Marie Tremblay <marie@example.com> a écrit :\n> Bonjour docteure, mon cell est 514 555-0187.")]
    [TestCase("On Mon, Mar 3, 2025 at 10:12 AM John Smith <john@example.com>\nwrote:\n> Hi doctor, my cell is 514 555-0187.")]
    [TestCase("---------- Forwarded message ---------\nFrom: John Smith\nHi doctor, my cell is 514 555-0187.")]
    [TestCase("> Bonjour docteure, mon cell est 514 555-0187.\n> Merci.")]
    public void Extract_PlainReplyHistory_GoesToQuoted(string history)
    {
        var text = Plain("Bonjour,\n\nC'est noté, je vous rappelle demain.\n\nDre Dion\n\n" + history);

        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Bonjour,\n\nC'est noté, je vous rappelle demain.\n\nDre Dion"));
        Assert.That(Part(text, TextPart.Quoted), Does.Contain("514 555-0187"));
    }

    [Test]
    public void Extract_OutlookUnderscoreRule_BelongsToHistory()
    {
        var text = Plain("Merci.\n\n________________________________\nDe : Marie\nEnvoyé : lundi\nÀ : Dre Dion\nObjet : RDV\n\nBonjour.");
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Merci."));
        Assert.That(Part(text, TextPart.Quoted), Does.StartWith("________________________________\nDe : Marie"));
    }

    [Test]
    public void Extract_InlineAnswerAfterQuotedLine_StaysInBody()
    {
        var text = Plain("> Puis-je prendre de l'ibuprofène?\nOui, 400 mg au besoin.");
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Oui, 400 mg au besoin."));
        Assert.That(Part(text, TextPart.Quoted), Is.EqualTo("> Puis-je prendre de l'ibuprofène?"));
    }

    [TestCase("De : la pharmacie, votre ordonnance est prête.\nMerci de passer la chercher.")]
    [TestCase("Le suivi se fait à la clinique; votre mère m'a écrit hier.")]
    [TestCase("On Monday the clinic is closed.")]
    public void Extract_ProseThatLooksLikeAHeader_StaysInBody(string body)
    {
        var text = Plain(body);
        Assert.That(Part(text, TextPart.Body), Is.EqualTo(body));
        Assert.That(Part(text, TextPart.Quoted), Is.Empty);
    }

    [Test]
    public void Extract_OutlookWebReply_SplitsAtDivRplyFwdMsg()
    {
        var text = Html("<div>Bonjour Madame Roy,</div><div>Je vous rappelle demain.</div>"
            + "<div id=\"appendonsend\"></div><hr style=\"display:inline-block;width:98%\">"
            + "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font><b>De :</b> Marie Roy &lt;marie@example.com&gt;<br><b>Envoyé :</b> lundi 3 mars 2025 10:12<br><b>À :</b> Dre Dion<br><b>Objet :</b> Question</font></div>"
            + "<div>Mon cell est le 514 555-0187.</div>");

        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Bonjour Madame Roy,\nJe vous rappelle demain."));
        Assert.That(Part(text, TextPart.Quoted), Does.Contain("De : Marie Roy <marie@example.com>").And.Contain("514 555-0187"));
    }

    [Test]
    public void Extract_ClassicOutlookReply_SplitsAtHeaderBlockInConvertedText()
    {
        var text = Html("<div class=WordSection1><p class=MsoNormal>Hi John,</p><p class=MsoNormal>See you Tuesday.</p>"
            + "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
            + "<p class=MsoNormal><b>From:</b> John Smith &lt;john@example.com&gt;<br><b>Sent:</b> Monday, March 3, 2025 10:12 AM<br><b>To:</b> Dr. Roy<br><b>Subject:</b> Visit</p></div>"
            + "<p class=MsoNormal>My DOB is 1985-12-25.</p></div>");

        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Hi John,\nSee you Tuesday."));
        Assert.That(Part(text, TextPart.Quoted), Does.StartWith("From: John Smith").And.Contain("1985-12-25"));
    }

    [Test]
    public void Extract_GmailReply_SplitsAtGmailQuote()
    {
        var text = Html("<div dir=\"ltr\">Merci docteure.</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">Le lun. 3 mars 2025, à 10 h 12, Dre Dion &lt;dion@clinique.med&gt; a écrit :<br></div>"
            + "<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex\">Bonjour, vos résultats sont prêts.</blockquote></div>");

        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Merci docteure."));
        Assert.That(Part(text, TextPart.Quoted), Is.EqualTo("Le lun. 3 mars 2025, à 10 h 12, Dre Dion <dion@clinique.med> a écrit :\nBonjour, vos résultats sont prêts."));
    }

    [Test]
    public void Extract_BlockquoteInBottomPostedReply_QuotesOnlyTheBlockquote()
    {
        var text = Html("<blockquote type=\"cite\">Can I take ibuprofen?</blockquote><div>Yes, 400 mg as needed.</div><div>Dr. Roy</div>");
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Yes, 400 mg as needed.\nDr. Roy"));
        Assert.That(Part(text, TextPart.Quoted), Is.EqualTo("Can I take ibuprofen?"));
    }

    [Test]
    public void Extract_ThunderbirdReply_SplitsAtCitePrefix()
    {
        var text = Html("<p>Thanks.</p><div class=\"moz-cite-prefix\">On 2025-03-03 10:12, John wrote:<br></div><blockquote type=\"cite\">My cell is 514 555-0187</blockquote>");
        Assert.That(Part(text, TextPart.Body), Is.EqualTo("Thanks."));
        Assert.That(Part(text, TextPart.Quoted), Does.Contain("514 555-0187"));
    }

    [TestCase(200_000)]
    public void Extract_DeeplyNestedHtml_DoesNotThrow(int depth)
    {
        var html = string.Concat(Enumerable.Repeat("<div><span><blockquote>", depth)) + "NAS 130 692 544" + string.Concat(Enumerable.Repeat("</blockquote></span></div>", depth));
        CheckedText? text = null;
        Assert.DoesNotThrow(() => text = Html(html));
        Assert.That(text!.Segments.Select(s => s.Text), Has.Some.Contains("130 692 544"));
    }

    /// <summary>Issue 22 #3: one tag with 20,000 attributes cost the parser 3.4 s per check
    /// (quadratic duplicate-attribute checks); the pre-scan sends it to the linear tag strip.</summary>
    [TestCase(20_000)]
    [TestCase(40_000)]
    public void Extract_ThousandsOfAttributesOnOneTag_StaysFastAndKeepsTheText(int attributes)
    {
        var html = new System.Text.StringBuilder("<p");
        for (var i = 0; i < attributes; i++)
        {
            html.Append(" a").Append(i).Append("=\"x\"");
        }

        html.Append(">NAS 130 692 544</p>");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var text = Html(html.ToString());

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500)));
        Assert.That(Part(text, TextPart.Body), Does.Contain("130 692 544"));
    }

    [TestCase("<div><p><b><i>texte</div></b></i><table><td>a<tr><li>b</table></p><<<>>>&&&#xFFFFFF;&bogus;")]
    [TestCase("<html><body><table><table><table><tr><td><form><select><option><textarea>x")]
    [TestCase("<a><b><a><b><a><b><a><b><p><p><p>misnested</a></b></a></b>")]
    [TestCase("<!-- unclosed comment <p>NAS 130 692 544")]
    [TestCase("<svg><foreignObject><math><mi><style><img src=x onerror=alert(1)>")]
    [TestCase("\0\uFFFE\uD800 broken surrogate <div>\uDC00</div>")]
    [TestCase("")]
    public void Extract_MalformedHtml_DoesNotThrow(string html)
    {
        Assert.DoesNotThrow(() => Html(html));
    }

    [Test]
    public void Extract_MisnestedFormattingElements_StaysFast()
    {
        var html = string.Concat(Enumerable.Repeat("<b><i><a><u>x</b></i></a></u>", 20_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var text = Html(html);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(Part(text, TextPart.Body), Does.Contain("xxx"));
    }

    [Test]
    public void Extract_NullPropertiesFromLenientJson_DoNotThrow()
    {
        var draft = new Draft { Subject = null!, Body = null!, Attachments = null! };
        Assert.That(DraftTextExtractor.Extract(draft).Segments, Is.Empty);
    }

    [Test]
    public void Extract_HugePlainTextWithManyQuoteLines_IsLinear()
    {
        var body = string.Concat(Enumerable.Repeat("> ligne citée\nréponse\n", 200_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var text = Plain(body);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(Part(text, TextPart.Body), Does.StartWith("réponse\nréponse"));
    }
}
