using ClinicMail.Core.Text;

namespace ClinicMail.Core.Tests.Recipients;

public sealed class EditDistanceTests
{
    [TestCase("tremblay", "tremblay", 0)]
    [TestCase("tremblay", "tremblai", 1)]
    [TestCase("tremblay", "trmeblay", 1)]
    [TestCase("tremblay", "tremblayy", 1)]
    [TestCase("tremblay", "temblay", 1)]
    [TestCase("gmail.com", "gmial.com", 1)]
    [TestCase("tremblay", "trenblai", 2)]
    [TestCase("tremblay", "gagnon", 99)]
    [TestCase("", "abc", 3)]
    public void Bounded_WithinBound_ReturnsDistance(string a, string b, int expected) =>
        Assert.That(EditDistance.Bounded(a, b, 3), Is.EqualTo(Math.Min(expected, 4)));

    [TestCase("tremblay", "gagnon")]
    [TestCase("marie", "marie.claude")]
    public void Bounded_BeyondBound_ReturnsBoundPlusOne(string a, string b) =>
        Assert.That(EditDistance.Bounded(a, b, 1), Is.EqualTo(2));
}
