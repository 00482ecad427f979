using System.Globalization;
using System.Security.Claims;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Incoming;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicMail.Application.Incoming;

/// <summary><c>GET /api/v1/mail/awaiting</c>: the messages awaiting an answer, overdue first, and the
/// share answered within the delay per week (« Fixer un délai de réponse » — and keep it). A clinic
/// administrator sees every watched box; a physician only their own. A read, not audited.</summary>
public sealed class AwaitingAnswersHandler(IIncomingMailStore store, IncomingMailbook mailbook, TimeProvider time)
{
    public const int MaxLimit = 500;
    public const int MaxWeeks = 52;

    public async Task<Ok<AwaitingAnswersResponse>> ListAsync(ClaimsPrincipal user, int? limit, int? weeks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var count = limit ?? 100;
        var weekCount = weeks ?? 8;
        if (count is < 1 or > MaxLimit || weekCount is < 1 or > MaxWeeks)
        {
            throw new ApiProblemException(400, "validation", ProblemTexts.ValidationTitle,
                new($"limit va de 1 à {MaxLimit} et weeks de 1 à {MaxWeeks}.", $"limit is from 1 to {MaxLimit} and weeks from 1 to {MaxWeeks}."),
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [count is < 1 or > MaxLimit ? "limit" : "weeks"] = ["out of range"] } });
        }

        // A clinic administrator sees every box; a physician the boxes configured as theirs
        // (IncomingMail:Mailboxes:N:OwnerObjectId — tokens carry no address, only the object id).
        IReadOnlyCollection<string>? boxes = user.IsInRole(Roles.ClinicAdmin) ? null : mailbook.OwnedBy(Actor.From(user).ObjectId);
        var now = time.GetUtcNow();
        var open = await store.ListAwaitingAsync(boxes, count, cancellationToken).ConfigureAwait(false);
        var weekStart = WeekStart(now).AddDays(-7 * (weekCount - 1));
        var received = await store.ListReceivedSinceAsync(boxes, weekStart, cancellationToken).ConfigureAwait(false);
        var items = open
            .Select(a => new AwaitingItem(a.MessageId, a.ConversationId, a.Mailbox, a.PatientId, TriageResult.Code(a.Sender), a.Urgent, a.ReceivedAt, a.DueAt, a.DueAt < now))
            .OrderByDescending(a => a.Overdue).ThenByDescending(a => a.Urgent).ThenBy(a => a.DueAt)
            .ToList();
        var weekly = Enumerable.Range(0, weekCount).Select(i =>
        {
            var start = weekStart.AddDays(7 * i);
            var inWeek = received.Where(r => r.ReceivedAt >= start && r.ReceivedAt < start.AddDays(7)).ToList();
            var onTime = inWeek.Count(r => r.AnsweredAt is { } at && at <= r.DueAt);
            // The share counts messages whose outcome is known: answered, or due and still open (late).
            var decided = inWeek.Count(r => r.AnsweredAt is not null || r.DueAt < now);
            return new WeeklyShare(DateOnly.FromDateTime(start.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), inWeek.Count, onTime,
                inWeek.Count(r => r.AnsweredAt is { } at && at > r.DueAt), inWeek.Count(r => r.AnsweredAt is null),
                decided == 0 ? null : Math.Round((double)onTime / decided, 3));
        }).ToList();
        return TypedResults.Ok(new AwaitingAnswersResponse(now, items, weekly));
    }

    /// <summary>Monday 00:00 UTC of the week containing <paramref name="at"/>.</summary>
    private static DateTimeOffset WeekStart(DateTimeOffset at)
    {
        var day = at.UtcDateTime.Date;
        return new DateTimeOffset(day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), TimeSpan.Zero);
    }
}

public sealed record AwaitingAnswersResponse(DateTimeOffset Now, IReadOnlyList<AwaitingItem> Awaiting, IReadOnlyList<WeeklyShare> Weeks);

/// <summary>One message awaiting an answer: ids, the sender's class and times only.</summary>
public sealed record AwaitingItem(string MessageId, string ConversationId, string Mailbox, string? PatientId, string SenderClass, bool Urgent,
    DateTimeOffset ReceivedAt, DateTimeOffset DueAt, bool Overdue);

/// <summary>One week (Monday, UTC): received, answered within the delay, answered late, still open, and the share on time.</summary>
public sealed record WeeklyShare(string WeekStart, int Received, int AnsweredOnTime, int AnsweredLate, int Open, double? ShareOnTime);
