using System.Diagnostics;
using System.Text;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Tests.Text;

/// <summary>The linear pre-scan that keeps hostile markup away from the HTML parser.</summary>
public sealed class HtmlShapeTests
{
    private static readonly HtmlLimits Small = new() { MaxChars = 10_000, MaxDepth = 3, MaxElements = 10, MaxAttributes = 6, MaxAttributesPerElement = 3 };

    [TestCase("<p>Bonjour <b>Mme Roy</b></p>", HtmlLimit.None)]
    [TestCase("<div><div><div>ok</div></div></div>", HtmlLimit.None)]
    [TestCase("<div><div><div><div>trop</div></div></div></div>", HtmlLimit.MaxDepth)]
    [TestCase("<div><div><div></div></div></div><div><div><div></div></div></div>", HtmlLimit.None)]
    [TestCase("<p><p><p><p><li><li><td><td>implicitement fermés", HtmlLimit.None)]
    [TestCase("<br><br><hr><img src=x><div/><div/><div/><div/>", HtmlLimit.None)]
    [TestCase("<p><p><p><p><p><p><p><p><p><p><p>", HtmlLimit.MaxElements)]
    [TestCase("<td a=1 b='2' c=\"3\">x</td>", HtmlLimit.None)]
    [TestCase("<td a=1 b='2' c=\"3\" d>x</td>", HtmlLimit.MaxAttributesPerElement)]
    [TestCase("<td title=\"a > b c=1 d=2 e=3\">x</td>", HtmlLimit.None)]
    [TestCase("<a a b c><a a b c><a a b c>", HtmlLimit.MaxAttributes)]
    [TestCase("<!-- <div><div><div><div> -->texte 3 < 4", HtmlLimit.MaxDepth)]
    [TestCase("3 < 4 et 5 <= 6 </p></div>", HtmlLimit.None)]
    public void Exceeded_Markup_FirstLimitOver(string html, HtmlLimit expected) =>
        Assert.That(HtmlShape.Exceeded(html, Small), Is.EqualTo(expected));

    [Test]
    public void Exceeded_OverTheSize_MaxChars() =>
        Assert.That(HtmlShape.Exceeded(new string('a', 10_001), Small), Is.EqualTo(HtmlLimit.MaxChars));

    [TestCase(15_000, HtmlLimit.MaxDepth)]
    [TestCase(200, HtmlLimit.None)]
    public void Exceeded_DefaultLimitsOnNestedDivs(int depth, HtmlLimit expected) =>
        Assert.That(HtmlShape.Exceeded(string.Concat(Enumerable.Repeat("<div>", depth)) + string.Concat(Enumerable.Repeat("</div>", depth)), HtmlLimits.Default), Is.EqualTo(expected));

    /// <summary>Shapes that would make a careless scanner quadratic: tags with no '&gt;', an
    /// unclosed quote, a megabyte of '&lt;'.</summary>
    [TestCase("<a")]
    [TestCase("<a x=\"")]
    [TestCase("<")]
    public void Exceeded_PathologicalRepeats_Linear(string unit)
    {
        var html = new StringBuilder().Insert(0, unit, 1_000_000 / unit.Length).ToString();
        var clock = Stopwatch.StartNew();

        HtmlShape.Exceeded(html, HtmlLimits.Default with { MaxElements = int.MaxValue, MaxDepth = int.MaxValue, MaxAttributes = int.MaxValue, MaxAttributesPerElement = int.MaxValue });

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
    }
}
