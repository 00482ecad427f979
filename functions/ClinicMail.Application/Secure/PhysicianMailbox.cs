using System.Security.Claims;

namespace ClinicMail.Application.Secure;

/// <summary>The signed-in physician's mailbox, for reply notifications: Entra puts it in
/// <c>preferred_username</c> (v2.0), sometimes <c>upn</c> or <c>email</c>.</summary>
public static class PhysicianMailbox
{
    public static string? From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var type in new[] { "preferred_username", "upn", "email" })
        {
            var value = user.FindFirst(type)?.Value;
            if (value is not null && Core.Registry.AddressNormalizer.Normalize(value) is { } address)
            {
                return address;
            }
        }

        return null;
    }
}
