using System.Text.Json;

namespace ClinicMail.Core.Incoming;

/// <summary>The work item's queue message: compact JSON, the same on every queue.</summary>
public static class WorkItemJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write(IncomingWorkItem item) => JsonSerializer.Serialize(item, Options);

    /// <summary>The item, or null for a message that is not one (it goes to the poison queue).</summary>
    public static IncomingWorkItem? Read(string payload)
    {
        try
        {
            var item = JsonSerializer.Deserialize<IncomingWorkItem>(payload, Options);
            return item is { MessageId.Length: > 0 and <= 1024, Source.Length: > 0 } ? item : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
