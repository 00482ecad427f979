
namespace ClinicMail.Application.Configuration;

/// <summary>"Today" for consent expiry is the clinic's date, not the server's UTC date.</summary>
public static class ClinicClock
{
    public static DateOnly Today(TimeProvider time, ClinicMailOptions options)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
    }
}
