using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ClinicMail.Application.Handlers;
using ClinicMail.Core.Json;
using Microsoft.AspNetCore.Mvc;

namespace ClinicMail.Application.Hosting;

/// <summary>Compile-time JSON metadata for what the hosts write on the check path: the check's and the override's
/// response and the ProblemDetails of a refusal (every type these reach is included by the generator). Without it, System.Text.Json builds that metadata by reflection
/// on the first request — about 1,500 methods JIT-compiled and 180 emitted accessors on a cold start
/// (docs/performance.md, "Cold start, round 3").</summary>
/// <remarks>
/// <para>Metadata only (no generated fast-path serializers): the host's options (<see cref="ClinicMailJson"/>:
/// naming policies, the enum and recipient converters, the relaxed encoder) still decide every byte, so a
/// type answers the same bytes from this context as from reflection (the three-way decision comparison
/// and the OpenAPI document test hold that).</para>
/// <para>Not the request bodies (<c>Draft</c>, <c>OverrideRequest</c>): generated metadata builds a type with
/// <c>init</c> properties through its object initializer, so a property missing from the JSON would become null instead
/// of keeping its default (<c>cc: []</c>) — reflection keeps the default. <c>JsonContextTests</c> reads an empty object
/// into every type of this context both ways and fails on any such difference.</para>
/// <para>Chained in front of the reflection resolver (<see cref="ConfigureHttp"/>): a type that is not listed here is
/// still served, by reflection. <c>JsonContextTests</c> fails when a check-path contract type is missing.</para>
/// </remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(CheckResponse))]
[JsonSerializable(typeof(OverrideResponse))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
public sealed partial class ClinicMailJsonContext : JsonSerializerContext
{
    /// <summary>Options as the hosts' are (reflection as the last resolver, as ASP.NET Core's <c>JsonOptions</c>), outside a container.</summary>
    public static JsonSerializerOptions CreateHttpOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        ConfigureHttp(options);
        return options;
    }

    /// <summary>The HTTP hosts' JSON options (ASP.NET Core's <c>JsonOptions</c>, local host and Functions worker):
    /// the one contract (<see cref="ClinicMailJson.Configure"/>), with this context consulted before reflection.</summary>
    public static void ConfigureHttp(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ClinicMailJson.Configure(options);
        options.TypeInfoResolverChain.Insert(0, Default);
    }
}
