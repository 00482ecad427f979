using ClinicMail.Core.Incoming;

namespace ClinicMail.Core.Tests.Incoming;

/// <summary>Québec statutory holidays by rule, and the response deadline counted in business days.</summary>
public sealed class ClinicCalendarTests
{
    [TestCase(2024, 3, 31)]
    [TestCase(2025, 4, 20)]
    [TestCase(2026, 4, 5)]
    [TestCase(2027, 3, 28)]
    [TestCase(2038, 4, 25)]
    public void EasterSunday_KnownYears_MatchesTheCalendar(int year, int month, int day) =>
        Assert.That(ClinicCalendar.EasterSunday(year), Is.EqualTo(new DateOnly(year, month, day)));

    [Test]
    public void QuebecHolidays_2026_EveryStatutoryDay()
    {
        var days = ClinicCalendar.QuebecHolidays(2026, EasterClosure.Both);

        Assert.That(days, Is.EquivalentTo(new[]
        {
            new DateOnly(2026, 1, 1), new DateOnly(2026, 4, 3), new DateOnly(2026, 4, 6), // Jour de l'An, Vendredi saint, lundi de Pâques
            new DateOnly(2026, 5, 18), // Journée nationale des patriotes: the Monday before May 25
            new DateOnly(2026, 6, 24), new DateOnly(2026, 7, 1), new DateOnly(2026, 9, 7), new DateOnly(2026, 10, 12), new DateOnly(2026, 12, 25),
        }));
    }

    [TestCase(2025, 5, 19)]
    [TestCase(2026, 5, 18)]
    [TestCase(2027, 5, 24)] // May 24 is itself a Monday
    [TestCase(2021, 5, 24)]
    public void Patriotes_IsTheMondayBeforeMay25(int year, int month, int day) =>
        Assert.That(ClinicCalendar.QuebecHolidays(year, EasterClosure.GoodFriday), Does.Contain(new DateOnly(year, month, day)));

    [Test]
    public void FeteNationaleAndCanadaDay_OnASunday_MoveToMonday()
    {
        // 2029: June 24 and July 1 are Sundays.
        var days = ClinicCalendar.QuebecHolidays(2029, EasterClosure.GoodFriday);

        Assert.That(days, Does.Contain(new DateOnly(2029, 6, 25)).And.Contain(new DateOnly(2029, 7, 2)));
    }

    [Test]
    public void Easter_Configuration_ChoosesTheDays()
    {
        var friday = new ClinicCalendar(new ClinicHours { Easter = EasterClosure.GoodFriday });
        var monday = new ClinicCalendar(new ClinicHours { Easter = EasterClosure.EasterMonday });

        Assert.Multiple(() =>
        {
            Assert.That(friday.IsBusinessDay(new DateOnly(2026, 4, 3)), Is.False);
            Assert.That(friday.IsBusinessDay(new DateOnly(2026, 4, 6)), Is.True);
            Assert.That(monday.IsBusinessDay(new DateOnly(2026, 4, 3)), Is.True);
            Assert.That(monday.IsBusinessDay(new DateOnly(2026, 4, 6)), Is.False);
        });
    }

    [TestCase("2026-12-07T10:00", 2, "2026-12-09", TestName = "DueDate_MondayMorning_TwoDaysLaterIsWednesday")]
    [TestCase("2026-12-07T18:30", 2, "2026-12-10", TestName = "DueDate_AfterClosing_CountsFromNextDay")]
    [TestCase("2026-12-11T16:00", 1, "2026-12-14", TestName = "DueDate_FridayOneDay_SkipsTheWeekend")]
    [TestCase("2026-12-23T09:00", 2, "2026-12-28", TestName = "DueDate_AcrossChristmas_SkipsTheHoliday")]
    [TestCase("2026-12-24T10:00", 3, "2026-12-31", TestName = "DueDate_ExtraClosureDecember30_IsSkipped")]
    [TestCase("2026-06-23T12:00", 1, "2026-06-25", TestName = "DueDate_FeteNationale_IsSkipped")]
    [TestCase("2026-04-02T12:00", 1, "2026-04-06", TestName = "DueDate_GoodFriday_IsSkipped")]
    [TestCase("2026-12-12T10:00", 0, "2026-12-14", TestName = "DueDate_ZeroDaysOnSaturday_IsMonday")]
    public void DueDate_Cases(string received, int days, string expected)
    {
        var calendar = new ClinicCalendar(new ClinicHours { ExtraClosures = [new DateOnly(2026, 12, 30)] });

        Assert.That(calendar.DueDate(DateTime.Parse(received, System.Globalization.CultureInfo.InvariantCulture), days),
            Is.EqualTo(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Deadline_IsClosingTimeInTheClinicZone()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto");
        var deadline = new ClinicCalendar().Deadline(new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero), 2, zone);

        Assert.That(deadline, Is.EqualTo(new DateTimeOffset(2026, 12, 9, 17, 0, 0, TimeSpan.FromHours(-5))));
    }
}
