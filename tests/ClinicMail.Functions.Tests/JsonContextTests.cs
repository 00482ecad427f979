using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ClinicMail.Application.Handlers;
using ClinicMail.Application.Hosting;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClinicMail.Functions.Tests;

/// <summary>The check path's JSON comes from compile-time metadata (ClinicMailJsonContext) and says exactly what
/// reflection would: every type the check routes answer with is in the context, and each type of the context
/// reads and writes the same bytes both ways.</summary>
public sealed class JsonContextTests
{
    private static readonly JsonSerializerOptions Reflection = ClinicMailJson.Options;

    private static readonly JsonSerializerOptions Generated = HostOptions();

    [Test]
    public void CheckRoutes_EveryTypeTheyAnswerWith_ResolvesFromTheGeneratedContext()
    {
        using var factory = new ClinicMailFactory();
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<ITagsMetadata>()?.Tags.Contains("Check") == true).ToList();
        var answered = endpoints.SelectMany(e => e.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
            .Select(m => m.Type).OfType<Type>().Where(t => t != typeof(void)).ToHashSet();
        Assert.That(answered, Does.Contain(typeof(CheckResponse)).And.Contain(typeof(OverrideResponse)), "the check routes were found");

        var missing = answered.Concat([typeof(ProblemDetails), typeof(HttpValidationProblemDetails)])
            .SelectMany(Reachable).Distinct().Where(t => ClinicMailJsonContext.Default.GetTypeInfo(t) is null).ToList();

        Assert.That(missing, Is.Empty, "add these to ClinicMailJsonContext ([JsonSerializable]) or the first check builds their metadata by reflection");
    }

    [Test]
    public void HostOptions_ResolveTheCheckResponseFromTheContextAndOtherTypesByReflection()
    {
        using var factory = new ClinicMailFactory();
        var options = factory.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

        var chain = options.TypeInfoResolverChain.ToList();
        Assert.That(chain.IndexOf(ClinicMailJsonContext.Default), Is.GreaterThanOrEqualTo(0).And.LessThan(chain.FindIndex(r => r is DefaultJsonTypeInfoResolver)),
            "the local host's options consult the context before reflection");
        Assert.That(options.GetTypeInfo(typeof(CheckResponse)).Properties.Select(p => p.Name), Does.Contain("checkId"));
        Assert.That(options.GetTypeInfo(typeof(SecureMessageRequest)).Properties, Is.Not.Empty, "a type outside the context still resolves");
    }

    [Test]
    public void EveryObjectTypeOfTheContext_ReadsAnEmptyObjectAsReflectionDoes()
    {
        // Generated metadata sets init-only properties through an object initializer: a missing property would
        // become null where reflection keeps the property's default (why request bodies are not in the context).
        var objects = ContextTypes().Where(t => Generated.GetTypeInfo(t).Kind == JsonTypeInfoKind.Object).ToList();
        Assert.That(objects, Does.Contain(typeof(CheckResponse)));
        foreach (var type in objects)
        {
            Assert.That(ReadEmpty(type, Generated), Is.EqualTo(ReadEmpty(type, Reflection)), type.Name);
        }
    }

    [Test]
    public async Task CheckResponse_OfARealCheck_SameBytesFromTheContextAsFromReflection()
    {
        var draft = StartupWarmUp.Sample("clinique.med");
        var result = await DraftChecker.Default.CheckAsync(draft, new CheckContext { InternalDomains = ["clinique.med"], Today = new DateOnly(2026, 12, 8) });
        var response = CheckResponse.From("chk_test", result);
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["to"] = ["« to » est requis."] })
        {
            Status = 400,
            Title = "La requête contient des erreurs.",
            Extensions = { ["code"] = "validation" },
        };

        Assert.Multiple(() =>
        {
            Assert.That(JsonSerializer.Serialize(response, Generated), Is.EqualTo(JsonSerializer.Serialize(response, Reflection)));
            Assert.That(JsonSerializer.Serialize(response, Generated), Does.Contain("\"decision\":\"block\""));
            Assert.That(JsonSerializer.Serialize<ProblemDetails>(problem, Generated), Is.EqualTo(JsonSerializer.Serialize<ProblemDetails>(problem, Reflection)));
        });
    }

    private static JsonSerializerOptions HostOptions()
    {
        var options = ClinicMailJsonContext.CreateHttpOptions();
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The types the context holds: its generated JsonTypeInfo properties.</summary>
    private static IEnumerable<Type> ContextTypes() => typeof(ClinicMailJsonContext)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(JsonTypeInfo<>))
        .Select(p => p.PropertyType.GetGenericArguments()[0]);

    private static string ReadEmpty(Type type, JsonSerializerOptions options)
    {
        try
        {
            return JsonSerializer.Serialize(JsonSerializer.Deserialize("{}", type, options), type, options);
        }
        catch (JsonException ex)
        {
            return "refused: " + ex.GetType().Name;
        }
    }

    /// <summary>A type and every type its public properties reach (element types of collections included).</summary>
    private static IEnumerable<Type> Reachable(Type root)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([root]);
        while (pending.TryPop(out var type))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(object) || !seen.Add(type))
            {
                continue;
            }

            foreach (var element in ElementTypes(type))
            {
                pending.Push(element);
            }

            if (type.IsPrimitive || type.IsEnum || type == typeof(string) || typeof(IEnumerable).IsAssignableFrom(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is not { Condition: System.Text.Json.Serialization.JsonIgnoreCondition.Always }))
            {
                pending.Push(property.PropertyType);
            }
        }

        return seen;
    }

    private static IEnumerable<Type> ElementTypes(Type type) =>
        type.IsArray ? [type.GetElementType()!]
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()
        : [];
}
