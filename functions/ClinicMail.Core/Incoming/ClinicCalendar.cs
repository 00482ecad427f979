namespace ClinicMail.Core.Incoming;

/// <summary>Which of Easter's two days off the clinic takes. Québec's Act respecting labour standards
/// lets the employer choose Good Friday or Easter Monday; many clinics close both.</summary>
public enum EasterClosure
{
    GoodFriday,
    EasterMonday,
    Both,
}

/// <summary>When the clinic is open: the days a response delay counts (« Fixer un délai de réponse »,
/// CMQ guide, « Concernant la réception des courriels »). Business days are Monday to Friday, minus
/// Québec's statutory holidays computed by rule and the clinic's own closures.</summary>
public sealed record ClinicHours
{
    /// <summary>Mail received at or after this local time counts from the next business day.</summary>
    public TimeOnly Closes { get; init; } = new(17, 0);

    public EasterClosure Easter { get; init; } = EasterClosure.GoodFriday;

    /// <summary>Extra closed days (holiday season bridge days, training days…).</summary>
    public IReadOnlyList<DateOnly> ExtraClosures { get; init; } = [];

    public static ClinicHours Default { get; } = new();
}

/// <summary>Québec statutory holidays, computed by rule (no table to go stale), and business-day arithmetic.</summary>
public sealed class ClinicCalendar
{
    private readonly ClinicHours _hours;
    private readonly HashSet<DateOnly> _extra;
    private readonly Dictionary<int, HashSet<DateOnly>> _holidays = [];
    private readonly Lock _gate = new();

    public ClinicCalendar(ClinicHours? hours = null)
    {
        _hours = hours ?? ClinicHours.Default;
        _extra = [.. _hours.ExtraClosures];
    }

    public ClinicHours Hours => _hours;

    /// <summary>The statutory holidays of <paramref name="year"/> as the clinic closes for them.</summary>
    public static IReadOnlyList<DateOnly> QuebecHolidays(int year, EasterClosure easter)
    {
        var easterSunday = EasterSunday(year);
        var days = new List<DateOnly> { new(year, 1, 1) };
        if (easter is EasterClosure.GoodFriday or EasterClosure.Both)
        {
            days.Add(easterSunday.AddDays(-2));
        }

        if (easter is EasterClosure.EasterMonday or EasterClosure.Both)
        {
            days.Add(easterSunday.AddDays(1));
        }

        // Journée nationale des patriotes: the Monday before May 25.
        var may24 = new DateOnly(year, 5, 24);
        days.Add(may24.AddDays(-(((int)may24.DayOfWeek - (int)DayOfWeek.Monday + 7) % 7)));
        // Fête nationale and Canada Day: when June 24 / July 1 is a Sunday, the law moves the holiday
        // to the Monday (Loi sur la fête nationale, art. 2; Loi sur les normes du travail, art. 60).
        days.Add(SundayToMonday(new DateOnly(year, 6, 24)));
        days.Add(SundayToMonday(new DateOnly(year, 7, 1)));
        days.Add(NthMonday(year, 9, 1)); // Labour Day
        days.Add(NthMonday(year, 10, 2)); // Thanksgiving (Action de grâce)
        days.Add(new DateOnly(year, 12, 25));
        return days;
    }

    /// <summary>Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    public bool IsBusinessDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_extra.Contains(day) && !HolidaysOf(day.Year).Contains(day);

    /// <summary>The day a response is due: mail received on a business day before closing counts from
    /// that day, otherwise from the next business day; the delay is then that many business days
    /// further (0: the same business day).</summary>
    public DateOnly DueDate(DateTime receivedLocal, int businessDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(businessDays);
        var day = DateOnly.FromDateTime(receivedLocal);
        if (!IsBusinessDay(day) || TimeOnly.FromDateTime(receivedLocal) >= _hours.Closes)
        {
            day = NextBusinessDay(day);
        }

        for (var i = 0; i < businessDays; i++)
        {
            day = NextBusinessDay(day);
        }

        return day;
    }

    /// <summary>As <see cref="DueDate"/>, as the instant the clinic closes that day in <paramref name="zone"/>.</summary>
    public DateTimeOffset Deadline(DateTimeOffset received, int businessDays, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(received, zone).DateTime;
        var due = DueDate(local, businessDays).ToDateTime(_hours.Closes);
        return new DateTimeOffset(due, zone.GetUtcOffset(due));
    }

    public DateOnly NextBusinessDay(DateOnly day)
    {
        do
        {
            day = day.AddDays(1);
        }
        while (!IsBusinessDay(day));
        return day;
    }

    /// <summary>Business days strictly after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int BusinessDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
        {
            count += IsBusinessDay(day) ? 1 : 0;
        }

        return count;
    }

    private HashSet<DateOnly> HolidaysOf(int year)
    {
        lock (_gate)
        {
            if (!_holidays.TryGetValue(year, out var set))
            {
                set = [.. QuebecHolidays(year, _hours.Easter)];
                _holidays[year] = set;
            }

            return set;
        }
    }

    private static DateOnly SundayToMonday(DateOnly day) => day.DayOfWeek == DayOfWeek.Sunday ? day.AddDays(1) : day;

    private static DateOnly NthMonday(int year, int month, int n)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)DayOfWeek.Monday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }
}
